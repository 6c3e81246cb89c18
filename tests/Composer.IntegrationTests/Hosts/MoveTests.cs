using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Hosts;

/// <summary>
/// Issue 13 item 4 on real engines (the host lab's hostA..C): <c>composer move db --to c</c> while a consumer on b keeps
/// asking db through its ambassador. Traffic: the lab's namespaces and the project's own containers.
/// </summary>
[Collection("hostlab")]
public sealed class MoveTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>db on a serves what its named volume holds; api on b asks it (links); web on c asks api. db's port is not 5432, which other lab projects publish on the hosts' addresses.</summary>
    private static string ThreeHosts => HostLab.HostsBlock + """
        services:
          db:
            image: composer-busybox:1
            init: true
            expose: ["25432"]
            volumes: [data:/data]
            command: [sh, -c, 'test -f /data/rows || echo fresh > /data/rows; while true; do cat /data/rows | nc -l -p 25432; done']
            x-composer: { host: a }
          api:
            image: composer-busybox:1
            init: true
            expose: ["8080"]
            links: [db]
            command: [sleep, "2147483647"]
            x-composer: { host: b }
          web:
            image: composer-busybox:1
            init: true
            depends_on: [api]
            environment: { API: "api:8080" }
            command: [sleep, "2147483647"]
            x-composer: { host: c }
        volumes:
          data: {}
        """;

    /// <summary>
    /// The consumer's loop, inside api on b: one request to db (its name, so its import ambassador) every 0.2 s, each
    /// line "N answer" or "N FAILED"; at most 400 requests and 180 s, or until /tmp/stop exists; "done" at the end.
    /// </summary>
    private const string ConsumerLoop = """
        i=0; start=$(date +%s)
        while [ $i -lt 400 ] && [ ! -f /tmp/stop ] && [ $(( $(date +%s) - start )) -lt 180 ]; do
          i=$((i+1))
          r=$(timeout 45 nc db 25432 </dev/null 2>/dev/null)
          echo "$i ${r:-FAILED}" >> /tmp/loop.log
          sleep 0.2
        done
        echo done >> /tmp/loop.log
        """;

    [Fact]
    public async Task A_consumer_loop_across_move_db_to_c_has_no_failed_request_the_volume_comes_along_and_nothing_is_left_on_a()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await TestProject.CreateAsync("hostsmv", ThreeHosts);
        var api = project.ContainerName("api");
        var db = project.ContainerName("db");
        async Task<string[]> Requests() =>
            (await HostLab.DockerAsync("hostB", "exec", api, "sh", "-c", "cat /tmp/loop.log 2>/dev/null")).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            await project.RunOkAsync("up", "-d");
            // What the move must carry: written into db's volume on a.
            (await HostLab.DockerAsync("hostA", "exec", db, "sh", "-c", "echo rows-written-on-a > /data/rows")).Exit.Should().Be(0);
            await Eventually.Until(() => HostLab.DockerAsync("hostB", "exec", api, "sh", "-c", "timeout 10 nc db 25432 </dev/null"),
                r => r.Output.Contains("rows-written-on-a"), "api on b to read db's rows on a", Deadline);

            (await HostLab.DockerAsync("hostB", "exec", "-d", api, "sh", "-c", ConsumerLoop)).Exit.Should().Be(0);
            await Eventually.Until(Requests, r => r.Length >= 3, "the consumer loop to make its first requests", Deadline);

            var move = await project.RunAsync("move", "db", "--to", "c");
            move.ExitCode.Should().Be(0, move.ToString());
            move.Stderr.Should().MatchRegex(@"db moved a → c in \d+\.\d\d s \(its importers held \d+\.\d\d s\)");

            var atMove = (await Requests()).Length;
            await Eventually.Until(Requests, r => r.Length >= atMove + 5, "the consumer loop to go on after the move", Deadline);
            (await HostLab.DockerAsync("hostB", "exec", api, "touch", "/tmp/stop")).Exit.Should().Be(0);
            var requests = await Eventually.Until(Requests, r => r.Contains("done"), "the consumer loop to end", Deadline);
            var answers = requests.Where(l => l != "done").ToList();
            answers.Should().HaveCountGreaterThan(8);
            answers.Where(l => !l.EndsWith(" rows-written-on-a", StringComparison.Ordinal)).Should().BeEmpty("no request fails across the move");

            // The volume's content came along; a has nothing of the project left; the consumer was not restarted.
            (await HostLab.DockerAsync("hostC", "exec", db, "cat", "/data/rows")).Output.Trim().Should().Be("rows-written-on-a");
            (await HostLab.DockerAsync("hostC", "volume", "inspect", "-f", "{{index .Labels \"io.composer.host\"}} {{index .Labels \"com.docker.compose.volume\"}}", project.Name + "_data"))
                .Output.Trim().Should().Be("c data");
            (await HostLab.ResourcesAsync("hostA", project.Name)).Should().BeEmpty("nothing is left on a");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().Contain([db, project.ContainerName("db-export"), project.Name + "_data"]);
            (await HostLab.DockerAsync("hostB", "inspect", "-f", "{{.RestartCount}} {{.State.StartedAt}}", api)).Exit.Should().Be(0);

            // Later commands know db lives on c now; up does not move it back.
            (await project.RunOkAsync("ps")).Stdout.Should().MatchRegex($@"{db}\s+composer-busybox:1\s+.*\s+db\s+c\s+");
            var plan = await project.RunOkAsync("plan");
            plan.Stdout.Should().NotContain("create container").And.NotContain("recreate");
            var apiStarted = (await HostLab.DockerAsync("hostB", "inspect", "-f", "{{.State.StartedAt}}", api)).Output;
            await project.RunOkAsync("up", "-d");
            (await HostLab.ResourcesAsync("hostA", project.Name)).Should().BeEmpty("up keeps db where it was moved");
            (await HostLab.DockerAsync("hostB", "inspect", "-f", "{{.State.StartedAt}}", api)).Output.Should().Be(apiStarted, "up leaves the consumer alone");
            (await HostLab.DockerAsync("hostB", "exec", api, "sh", "-c", "timeout 20 nc db 25432 </dev/null")).Output.Should().Contain("rows-written-on-a");

            await project.RunOkAsync("down", "-v");
            foreach (var host in HostLab.Hosts) (await HostLab.ResourcesAsync(host, project.Name)).Should().BeEmpty($"down -v leaves nothing on {host}");
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }

    [Fact]
    public async Task A_move_that_fails_on_the_new_host_is_rolled_back_and_the_consumer_still_reads_db_on_a()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await TestProject.CreateAsync("hostsmvrb", ThreeHosts);
        var api = project.ContainerName("api");
        var squatter = project.Name + "-squatter";
        try
        {
            await project.RunOkAsync("up", "-d");
            (await HostLab.DockerAsync("hostA", "exec", project.ContainerName("db"), "sh", "-c", "echo rows-written-on-a > /data/rows")).Exit.Should().Be(0);
            // db's export port on c's address is taken (by a container labelled as the project's, so the cleanup removes it).
            (await HostLab.DockerAsync("hostC", "run", "-d", "--name", squatter, "--label", "com.docker.compose.project=" + project.Name,
                "-p", HostLab.Address("hostC") + ":25432:25432", "composer-busybox:1", "sleep", "600")).Exit.Should().Be(0);
            var before = await HostLab.ResourcesAsync("hostC", project.Name);

            var move = await project.RunAsync("move", "db", "--to", "c");
            move.ExitCode.Should().Be(1, move.ToString());
            move.Stderr.Should().Contain("moving db a → c failed while starting it on c").And.Contain("rolled back:").And.Contain("db runs on a as before");

            (await HostLab.DockerAsync("hostA", "inspect", "-f", "{{.State.Running}}", project.ContainerName("db"))).Output.Trim().Should().Be("true");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().BeEquivalentTo(before, "what the move made on c is removed");
            var answer = await Eventually.Until(() => HostLab.DockerAsync("hostB", "exec", api, "sh", "-c", "timeout 20 nc db 25432 </dev/null"),
                r => r.Output.Contains("rows-written-on-a"), "api on b to read db on a again", Deadline);
            answer.Output.Should().Contain("rows-written-on-a");
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }

    [Fact]
    public async Task A_volume_marked_not_movable_is_refused_and_nothing_changes()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await TestProject.CreateAsync("hostsmvno", ThreeHosts.Replace("  data: {}", "  data: { x-composer: { movable: false } }"));
        try
        {
            await project.RunOkAsync("up", "-d");
            var before = await HostLab.ResourcesAsync("hostA", project.Name);
            var move = await project.RunAsync("move", "db", "--to", "c");
            move.ExitCode.Should().Be(1, move.ToString());
            move.Stderr.Should().Contain("cannot move db: volume data is not movable (x-composer: { movable: false }): db stays on a");
            (await HostLab.ResourcesAsync("hostA", project.Name)).Should().BeEquivalentTo(before);
            (await HostLab.DockerAsync("hostA", "inspect", "-f", "{{.State.Running}}", project.ContainerName("db"))).Output.Trim().Should().Be("true");
            (await project.RunAsync("move", "db", "--to", "z")).ExitCode.Should().Be(2);
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }
}
