using Composer.IntegrationTests.Support;
using Docker.DotNet;

namespace Composer.IntegrationTests.Connections;

/// <summary>
/// Pattern 6: examples/node-postgres, a real PostgreSQL and Node.js built offline by the example's own script
/// (about 35 s the first time on a machine, a second afterwards).
/// </summary>
public class NodePostgresTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task App_prints_Hello_world_from_postgres_the_data_survives_down_and_up_and_down_v_removes_it()
    {
        await Examples.RunBuildScriptAsync("node-postgres");
        await using var project = await Examples.CopyAsync("node-postgres", "nodepg");
        var none = new Dictionary<string, string>();
        await project.RunOkAsync(none, "up", "-d");

        await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("Hello world") || l.Contains("never answered"), "the app to read from the database", Slow);
        var logs = await project.RunOkAsync(none, "logs", "app");
        logs.Stdout.Should().Contain("Hello world").And.MatchRegex(@"database link at \d+\.\d+\.\d+\.\d+:5432");

        // A row added now must outlive the containers: it lives in the pgdata volume.
        var insert = await project.ExecAsync("database", "psql", "-h", "/run/postgresql", "-U", "postgres", "-d", "hello",
            "-v", "ON_ERROR_STOP=1", "-c", "INSERT INTO greetings (greeting) VALUES ('still here')");
        insert.ExitCode.Should().Be(0, insert.Output);
        await project.RunOkAsync(none, "down", "-t", "5");
        await project.RunOkAsync(none, "up", "-d");
        var again = await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("still here") || l.Contains("never answered"), "the app to read again after down + up", Slow);
        again.Split('\n').Count(l => l.Trim() == "Hello world").Should().Be(1, "the dump is loaded once, not on every start");
        (await project.LogsAsync("database")).Should().NotContain("initialising", "the second start finds its data");

        // down -v removes the volume: the next up starts from the dump again.
        await project.RunOkAsync(none, "down", "-v", "-t", "5");
        var docker = await Engine.ClientAsync();
        var volume = $"{project.Name}_pgdata";
        await FluentActions.Awaiting(() => docker.Volumes.InspectAsync(volume)).Should().ThrowAsync<DockerApiException>();
        await project.RunOkAsync(none, "up", "-d");
        var fresh = await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("Hello world") || l.Contains("never answered"), "the app after down -v", Slow);
        fresh.Should().Contain("Hello world").And.NotContain("still here");
    }
}
