using System.Diagnostics;
using System.Text.Json;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>--progress auto|tty|plain|json|quiet, --ansi and NO_COLOR, with a real pseudo-terminal where it matters.</summary>
public class ProgressTests
{
    private const string Two = """
        services:
          db: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"] }
          web: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"], depends_on: [db] }
        """;

    /// <summary>Runs composer with stderr on a pseudo-terminal (util-linux <c>script</c>), so it sees a terminal.</summary>
    private static async Task<(int Exit, string Output)> OnTerminalAsync(TestProject project, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("script") { WorkingDirectory = project.Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-qec", $"{ComposerBinary.ShellCommand} -p {project.Name} {string.Join(' ', args)}", "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("NO_COLOR");
        psi.Environment["TERM"] = "xterm-256color";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task On_a_terminal_auto_draws_the_live_view_in_colour()
    {
        await using var project = await TestProject.CreateAsync("ptty", Two);
        var (exit, output) = await OnTerminalAsync(project, [], "up", "-d");
        exit.Should().Be(0, output);
        output.Should().Contain("[+] Running 3/3");
        output.Should().MatchRegex($@"✔\S*\s*Container {project.ContainerName("web")}\s+Started\s+\d+\.\ds");
        output.Should().Contain("\u001b[38;5;", "colour on a terminal");
        output.Should().Contain("\u001b[3A", "the view is redrawn in place");
    }

    [Fact]
    public async Task No_color_keeps_the_live_view_without_colour_and_ansi_never_prints_plain_lines()
    {
        await using var project = await TestProject.CreateAsync("pnocolor", Two);
        var (exit, output) = await OnTerminalAsync(project, new() { ["NO_COLOR"] = "1" }, "up", "-d");
        exit.Should().Be(0, output);
        output.Should().Contain("[+] Running 3/3").And.NotContain("\u001b[38;5;");

        var (exit2, plain) = await OnTerminalAsync(project, [], "--ansi", "never", "up", "-d", "--force-recreate");
        exit2.Should().Be(0, plain);
        plain.Should().Contain($" Container {project.ContainerName("web")}  Started").And.NotContain("[+] Running");
        plain.Should().NotMatchRegex(@"\u001b\[[0-9;]*[mA]", "no colour and no cursor movement");
    }

    [Fact]
    public async Task Json_progress_prints_one_object_per_line_and_quiet_prints_nothing()
    {
        await using var project = await TestProject.CreateAsync("pjson", Two);
        var json = await project.RunOkAsync("--progress", "json", "up", "-d");
        var lines = json.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().NotBeEmpty();
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        events.Should().Contain(e => e.GetProperty("id").GetString() == $"Container {project.ContainerName("web")}" && e.GetProperty("status").GetString() == "Started");

        var quiet = await project.RunOkAsync("--progress", "quiet", "up", "-d", "--force-recreate");
        quiet.Stderr.Should().BeEmpty();
        (await project.InspectAsync("web")).State.Running.Should().BeTrue();
    }
}
