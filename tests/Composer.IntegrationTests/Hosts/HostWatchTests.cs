using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Stack;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Hosts;

/// <summary>
/// Issue 13, watch across hosts, on the host lab's real engines: a provider on a crashes and is repaired on a; host
/// a's engine (with its containers) is killed, reported, its provider fails over to c and the consumer on b works
/// again through its re-pointed ambassador; a comes back and the project has one copy of each service. Traffic: the
/// lab's namespaces and the project's own containers. The killed host is always started again.
/// </summary>
[Collection("hostlab")]
public sealed class HostWatchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string Project => HostLab.HostsBlock + """
        services:
          db:
            image: composer-busybox:1
            init: true
            expose: ["5432"]
            command: [sh, -c, 'while true; do echo "db says hi" | nc -l -p 5432; done']
            x-composer: { host: a, failover: [c] }
          cache:
            image: composer-busybox:1
            init: true
            command: [sleep, "2147483647"]
            x-composer: { host: a }
          api:
            image: composer-busybox:1
            init: true
            links: [db]
            command: [sleep, "2147483647"]
            x-composer: { host: b }
        """;

    private static Task<(int Exit, string Output)> ConsumerAsks(TestProject project) =>
        HostLab.DockerAsync("hostB", "exec", project.ContainerName("api"), "sh", "-c", "timeout 3 nc db 5432 </dev/null");

    private static Task ConsumerWorksAsync(TestProject project, string when) =>
        Eventually.Until(() => ConsumerAsks(project), r => r.Exit == 0 && r.Output.Contains("db says hi"), $"api on b to reach db {when}", Deadline);

    private static Task<(int Exit, string Output)> LabAsync(string command, string host) =>
        SwarmLab.RunAsync("bash", [SwarmLab.Script, command, host], TimeSpan.FromSeconds(120), check: false, env: new() { ["LAB"] = "hosts" });

    [Fact]
    public async Task A_provider_killed_on_host_a_is_repaired_there_and_the_consumer_on_b_works_again()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await TestProject.CreateAsync("hwkill", Project);
        try
        {
            await project.RunOkAsync("up", "-d");
            await ConsumerWorksAsync(project, "after up");
            await using var watch = await BackgroundComposer.WatchAsync(project);

            var pid = (await HostLab.DockerAsync("hostA", "inspect", "-f", "{{.State.Pid}}", project.ContainerName("db"))).Output.Trim();
            System.Diagnostics.Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture)).Kill();

            var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
            incident.GetProperty("incident").GetString().Should().Be("crashed");
            incident.GetProperty("outcome").GetString().Should().Be("restarted");
            (await HostLab.DockerAsync("hostA", "inspect", "-f", "{{.State.Running}}", project.ContainerName("db"))).Output.Trim().Should().Be("true");
            await ConsumerWorksAsync(project, "after the repair");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().NotContain(project.ContainerName("db"), "a crash is repaired on its own host");

            (await watch.InterruptAsync()).Should().Be(0);
            await project.RunOkAsync("down");
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }

    [Fact]
    public async Task Host_a_killed_is_reported_its_provider_fails_over_to_c_and_when_a_returns_there_is_one_copy()
    {
        await Examples.RunBuildScriptAsync("two-hosts");
        await using var project = await TestProject.CreateAsync("hwfail", Project);
        var killed = false;
        try
        {
            await project.RunOkAsync("up", "-d");
            await ConsumerWorksAsync(project, "after up");
            await using var watch = await BackgroundComposer.WatchAsync(project);

            killed = true;
            (await LabAsync("kill", "hostA")).Exit.Should().Be(0);

            var reported = await watch.NextLineAsync(l => l.Contains("host a unreachable"), "host a to be reported unreachable");
            reported.Should().Contain("cache, db, db-export unknown").And.Contain("nothing on a is repaired until it answers");
            await watch.NextLineAsync(l => l.Contains("db: a has not answered for") && l.Contains("failing over to c"), "db to fail over to c");
            await watch.NextLineAsync(l => l.Contains($"{project.ContainerName("db-import-b")} on b now forwards to {HostLab.Address("hostC")}:5432"), "the import on b to be re-pointed");
            await ConsumerWorksAsync(project, "on c after the failover");
            (await HostLab.ResourcesAsync("hostC", project.Name)).Should().Contain([project.ContainerName("db"), project.ContainerName("db-export")]);

            (await LabAsync("start", "hostA")).Exit.Should().Be(0);
            killed = false;
            await watch.NextLineAsync(l => l.Contains("host a reachable again after"), "host a to be reported back");
            await watch.NextLineAsync(l => l.Contains("container(s) running"), "the resync after a's return");

            // One copy of each: the stale db and export on a are gone, the ones on c serve.
            (await HostLab.ResourcesAsync("hostA", project.Name)).Should().NotContain([project.ContainerName("db"), project.ContainerName("db-export")]);
            (await HostLab.DockerAsync("hostC", "inspect", "-f", "{{.State.Running}}", project.ContainerName("db"))).Output.Trim().Should().Be("true");
            await Eventually.Until(() => HostLab.DockerAsync("hostA", "inspect", "-f", "{{.State.Running}}", project.ContainerName("cache")),
                r => r.Output.Trim() == "true", "cache, which has no failover, to run on a again", Deadline);
            await ConsumerWorksAsync(project, "after a's return");

            (await watch.InterruptAsync()).Should().Be(0);
            await project.RunOkAsync("down");
            foreach (var host in HostLab.Hosts) (await HostLab.ResourcesAsync(host, project.Name)).Should().BeEmpty($"down leaves nothing on {host}");
        }
        finally
        {
            if (killed) await LabAsync("start", "hostA");
            await HostLab.RemoveProjectAsync(project.Name);
        }
    }
}
