using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>Issue 11's defects, on the real engine: each command loads the project once; Ctrl-C stops in Compose's order.</summary>
public class UseCaseTests
{
    private const string Chain = """
        services:
          db:
            image: composer-busybox:1
            init: true
            command: ["sh", "-c", "echo ready; exec sleep 1000"]
          app:
            image: composer-busybox:1
            init: true
            depends_on: [db]
            command: ["sh", "-c", "echo ready; exec sleep 1000"]
          web:
            image: composer-busybox:1
            init: true
            depends_on: [app]
            command: ["sh", "-c", "echo ready; exec sleep 1000"]
        """;

    [Theory]
    [InlineData("stop")]
    [InlineData("start")]
    [InlineData("restart")]
    [InlineData("kill")]
    [InlineData("rm")]
    public async Task A_command_prints_the_file_s_warning_once(string command)
    {
        const string variable = "COMPOSER_IT_SURELY_UNSET_VARIABLE";
        await using var project = await TestProject.CreateAsync("warnonce", Chain.Replace("command: [\"sh\", \"-c\", \"echo ready; exec sleep 1000\"]\n  app:",
            $"command: [\"sh\", \"-c\", \"echo ready; exec sleep 1000\"]\n    environment: [\"X=${{{variable}}}\"]\n  app:", StringComparison.Ordinal));
        (await project.RunAsync("up", "-d")).ExitCode.Should().Be(0);

        var result = await project.RunAsync(command == "rm" ? ["rm", "-f"] : [command]);

        result.ExitCode.Should().Be(0, result.ToString());
        CountOf(result.Stderr, $"The \"{variable}\" variable is not set").Should().Be(1, result.ToString());
    }

    [Fact]
    public async Task Ctrl_c_on_attached_up_stops_dependents_before_their_dependencies()
    {
        await using var project = await TestProject.CreateAsync("ctrlc", Chain);
        await using var up = BackgroundComposer.Start(project.Directory, "-p", project.Name, "up", "-t", "5");
        await up.NextLineAsync(l => l.Contains("web-1") && l.Contains("ready"), "web's first line, attached");

        (await up.InterruptAsync()).Should().Be(130, up.Stderr);

        // The engine's own record: each container finished no earlier than those that depend on it.
        var finished = new Dictionary<string, DateTime>();
        foreach (var service in new[] { "web", "app", "db" })
        {
            var state = (await project.InspectAsync(service)).State;
            state.Running.Should().BeFalse($"{service} was stopped; stderr:\n{up.Stderr}");
            finished[service] = DateTime.Parse(state.FinishedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
        }
        finished["web"].Should().BeOnOrBefore(finished["app"], up.Stderr);
        finished["app"].Should().BeOnOrBefore(finished["db"], up.Stderr);
        // And the progress: a dependency's stop starts only after its dependents stopped.
        var lines = up.Stderr.Split('\n');
        int At(string container, string status) => Array.FindIndex(lines, l => l.Contains($"{project.Name}-{container}-1 ", StringComparison.Ordinal) && l.Contains(status, StringComparison.Ordinal));
        At("web", "Stopped").Should().BeLessThan(At("app", "Stopping"), up.Stderr);
        At("app", "Stopped").Should().BeLessThan(At("db", "Stopping"), up.Stderr);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
