using System.Text.Json;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>The everyday commands through the real <c>composer</c> binary on the real engine.</summary>
public class CommandTests
{
    private const string WebDb = """
        services:
          db:
            image: composer-busybox:1
            init: true
            command: ["sleep", "2147483647"]
            environment: { PGHOST: one }
          web:
            image: composer-busybox:1
            init: true
            command: ["httpd", "-f", "-p", "80"]
            ports: ["127.0.0.1::80"]
            depends_on: [db]
        """;

    private static async Task<TestProject> UpAsync(string prefix, string yaml = WebDb)
    {
        var project = await TestProject.CreateAsync(prefix, yaml);
        await project.RunOkAsync("up", "-d");
        return project;
    }

    [Fact]
    public async Task Stop_stops_dependents_first_and_start_starts_them_again_in_dependency_order()
    {
        await using var project = await UpAsync("cstop");
        var stop = await project.RunOkAsync("stop", "-t", "1");
        stop.Stderr.Should().Contain($"Container {project.ContainerName("web")}  Stopped").And.Contain($"Container {project.ContainerName("db")}  Stopped");
        stop.Stderr.IndexOf($"{project.ContainerName("web")}  Stopped", StringComparison.Ordinal)
            .Should().BeLessThan(stop.Stderr.IndexOf($"{project.ContainerName("db")}  Stopping", StringComparison.Ordinal), "web depends on db");
        (await project.InspectAsync("db")).State.Running.Should().BeFalse();
        (await project.InspectAsync("web")).State.Running.Should().BeFalse();

        var start = await project.RunOkAsync("start");
        start.Stderr.Should().Contain($"Container {project.ContainerName("web")}  Started");
        var db = await project.InspectAsync("db");
        var web = await project.InspectAsync("web");
        web.State.Running.Should().BeTrue();
        DateTime.Parse(web.State.StartedAt).Should().BeOnOrAfter(DateTime.Parse(db.State.StartedAt));

        await project.RunOkAsync("stop", "-t", "1", "web");
        (await project.InspectAsync("web")).State.Running.Should().BeFalse();
        (await project.InspectAsync("db")).State.Running.Should().BeTrue("only the named service stops");
    }

    [Fact]
    public async Task Restart_restarts_the_named_service_only()
    {
        await using var project = await UpAsync("crestart");
        var before = await project.InspectAsync("web");
        var dbBefore = await project.InspectAsync("db");
        await project.RunOkAsync("restart", "-t", "1", "web");
        var after = await project.InspectAsync("web");
        after.ID.Should().Be(before.ID);
        after.State.Running.Should().BeTrue();
        after.State.StartedAt.Should().NotBe(before.State.StartedAt);
        (await project.InspectAsync("db")).State.StartedAt.Should().Be(dbBefore.State.StartedAt);
    }

    [Fact]
    public async Task Kill_sends_the_signal_given_with_s()
    {
        await using var project = await UpAsync("ckill", """
            services:
              trap:
                image: composer-busybox:1
                command: ["sh", "-c", "trap 'echo got USR1; exit 7' USR1; echo ready; while true; do sleep 0.1; done"]
              other:
                image: composer-busybox:1
                init: true
                command: ["sleep", "2147483647"]
            """);
        await Eventually.Until(() => project.LogsAsync("trap"), l => l.Contains("ready"), "the trap to be set");
        await project.RunOkAsync("kill", "-s", "SIGUSR1", "trap");
        var trap = await Eventually.Until(() => project.InspectAsync("trap"), c => !c.State.Running, "trap to exit");
        trap.State.ExitCode.Should().Be(7);
        (await project.LogsAsync("trap")).Should().Contain("got USR1");
        (await project.InspectAsync("other")).State.Running.Should().BeTrue();

        await project.RunOkAsync("kill");
        (await project.InspectAsync("other")).State.ExitCode.Should().Be(137, "SIGKILL by default");
    }

    [Fact]
    public async Task Rm_removes_stopped_containers_only_and_with_s_stops_first()
    {
        await using var project = await UpAsync("crm");
        await project.RunOkAsync("stop", "-t", "1", "web");
        var rm = await project.RunOkAsync("rm", "-f");
        rm.Stderr.Should().Contain($"Container {project.ContainerName("web")}  Removed");
        var names = (await project.ContainersAsync()).Select(c => c.Names[0].TrimStart('/')).ToList();
        names.Should().Equal(project.ContainerName("db"));

        var nothing = await project.RunOkAsync("rm", "-f");
        nothing.Stderr.Should().Contain("No stopped containers");

        // Without -f and no answer, nothing is removed.
        await project.RunOkAsync("rm", "-s");
        (await project.ContainersAsync()).Should().ContainSingle();

        await project.RunOkAsync("rm", "-f", "-s", "-v");
        (await project.ContainersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Exec_runs_in_the_container_with_env_workdir_and_user_and_passes_the_exit_code_through()
    {
        await using var project = await UpAsync("cexec");
        var ok = await project.RunOkAsync("exec", "-T", "-e", "GREETING=hello", "-w", "/tmp", "-u", "nobody", "web", "sh", "-c", "echo $GREETING from $(pwd) as $(id -u)");
        ok.Stdout.Should().Contain("hello from /tmp as 65534");

        var failed = await project.RunAsync("exec", "-T", "--index", "1", "web", "sh", "-c", "echo to stderr >&2; exit 5");
        failed.ExitCode.Should().Be(5, failed.ToString());
        failed.Stderr.Should().Contain("to stderr");

        await project.RunOkAsync("stop", "-t", "1", "web");
        var stopped = await project.RunAsync("exec", "-T", "web", "true");
        stopped.ExitCode.Should().Be(1);
        stopped.Stderr.Should().Contain("service \"web\" is not running");
    }

    [Fact]
    public async Task Run_rm_starts_dependencies_runs_a_labelled_one_off_passes_the_exit_code_and_removes_it()
    {
        await using var project = await TestProject.CreateAsync("crun", WebDb);
        var result = await project.RunAsync("run", "--rm", "-e", "X=42", "web", "sh", "-c", "echo x=$X; hostname; exit 4");
        result.ExitCode.Should().Be(4, result.ToString());
        result.Stdout.Should().Contain("x=42");
        (await project.InspectAsync("db")).State.Running.Should().BeTrue("run starts the dependencies");
        (await project.ContainersAsync()).Should().OnlyContain(c => c.Labels["com.docker.compose.oneoff"] == "False", "--rm removed the one-off");

        var kept = await project.RunAsync("run", "web", "true");
        kept.ExitCode.Should().Be(0, kept.ToString());
        var oneOff = (await project.ContainersAsync()).Single(c => c.Labels["com.docker.compose.oneoff"] == "True");
        oneOff.Names[0].Should().MatchRegex($"^/{project.Name}-web-run-[0-9a-f]{{12}}$");
        oneOff.Labels["com.docker.compose.service"].Should().Be("web");
        oneOff.Ports.Should().BeEmpty("a one-off publishes no ports");
    }

    [Fact]
    public async Task Port_prints_the_published_address_and_fails_for_an_unpublished_port()
    {
        await using var project = await UpAsync("cport");
        var port = await project.RunOkAsync("port", "web", "80");
        port.Stdout.Trim().Should().MatchRegex(@"^127\.0\.0\.1:\d+$");
        var published = (await project.InspectAsync("web")).NetworkSettings.Ports["80/tcp"][0].HostPort;
        port.Stdout.Trim().Should().Be($"127.0.0.1:{published}");

        var missing = await project.RunAsync("port", "web", "81");
        missing.ExitCode.Should().Be(1);
        missing.Stderr.Should().Contain("no port 81/tcp");
    }

    [Fact]
    public async Task Top_lists_the_processes_of_each_running_container()
    {
        await using var project = await UpAsync("ctop");
        var top = await project.RunOkAsync("top");
        top.Stdout.Should().Contain(project.ContainerName("db")).And.Contain(project.ContainerName("web"));
        top.Stdout.Should().Contain("PID").And.Contain("sleep 2147483647").And.Contain("httpd -f -p 80");
    }

    [Fact]
    public async Task Ls_lists_the_project_from_its_labels_and_a_shows_stopped_projects()
    {
        await using var project = await UpAsync("cls");
        var table = await project.RunOkAsync("ls");
        table.Stdout.Should().MatchRegex($@"(?m)^{project.Name}\s+running\(2\)\s+{System.Text.RegularExpressions.Regex.Escape(Path.Combine(project.Directory, "compose.yaml"))}$");

        await project.RunOkAsync("stop", "-t", "1");
        (await project.RunOkAsync("ls")).Stdout.Should().NotContain(project.Name);
        var json = await project.RunOkAsync("ls", "-a", "--format", "json");
        var entry = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Single(e => e.GetProperty("Name").GetString() == project.Name);
        entry.GetProperty("Status").GetString().Should().Be("exited(2)");
        entry.GetProperty("ConfigFiles").GetString().Should().Be(Path.Combine(project.Directory, "compose.yaml"));
    }

    [Fact]
    public async Task Events_json_streams_the_project_container_events()
    {
        await using var project = await UpAsync("cevents");
        await using var events = ComposerProcess.Start(project, "events", "--json");
        // The subscription has no "ready" line: restart until an event arrives (bounded by the deadline).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? line = null;
        while (line is null)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"an event within the deadline; output:\n{events.Output}");
            await project.RunOkAsync("restart", "-t", "1", "db");
            try { line = await events.WaitForLineAsync(l => l.Contains("\"action\":\"start\""), "a start event", TimeSpan.FromSeconds(5)); }
            catch (TimeoutException) { }
        }
        var e = JsonDocument.Parse(line).RootElement;
        e.GetProperty("type").GetString().Should().Be("container");
        e.GetProperty("service").GetString().Should().Be("db");
        e.GetProperty("attributes").GetProperty("name").GetString().Should().Be(project.ContainerName("db"));
    }

    [Fact]
    public async Task Images_lists_the_image_of_each_container()
    {
        await using var project = await UpAsync("cimages");
        var images = await project.RunOkAsync("images");
        var id = (await (await Engine.ClientAsync()).Images.InspectImageAsync(Engine.BusyboxImage)).ID.Replace("sha256:", "")[..12];
        images.Stdout.Should().MatchRegex($@"(?m)^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE$");
        images.Stdout.Should().MatchRegex($@"(?m)^{project.ContainerName("db")}\s+composer-busybox\s+1\s+{id}\s+\d");
        images.Stdout.Should().MatchRegex($@"(?m)^{project.ContainerName("web")}\s+composer-busybox\s+1\s+{id}\s+\d");
    }

    [Fact]
    public async Task Plan_prints_what_up_would_do_with_the_changed_fields_and_changes_nothing()
    {
        await using var project = await UpAsync("cplan");
        (await project.RunOkAsync("plan")).Stdout.Should().Be("nothing to do\n");
        var before = (await project.InspectAsync("db")).ID;

        File.WriteAllText(Path.Combine(project.Directory, "compose.yaml"), WebDb.Replace("PGHOST: one", "PGHOST: two"));
        var plan = await project.RunOkAsync("plan");
        plan.Stdout.Should().Contain($"create container {project.ContainerName("db")}  (configuration changed)\n    changed: environment.PGHOST\n");
        plan.Stdout.Should().NotContain($"create container {project.ContainerName("web")}", "web depends on db without links or restart: true");
        (await project.InspectAsync("db")).ID.Should().Be(before, "plan changes nothing");
    }

    [Fact]
    public async Task Graph_prints_a_tree_mermaid_and_dot()
    {
        await using var project = await TestProject.CreateAsync("cgraph", """
            services:
              db: { image: composer-busybox:1 }
              cache: { image: composer-busybox:1 }
              api:
                image: composer-busybox:1
                depends_on:
                  db: { condition: service_healthy }
                  cache: { condition: service_started }
              web: { image: composer-busybox:1, links: [api] }
            """);
        (await project.RunOkAsync("graph")).Stdout.Should().Be("""
            web
            └── api (links)
                ├── cache
                └── db (service_healthy)

            """);
        (await project.RunOkAsync("graph", "--format", "mermaid")).Stdout.Should().Be("""
            graph TD
              api --> cache
              api -->|service_healthy| db
              web -->|links| api

            """);
        var dot = await project.RunOkAsync("graph", "--format", "dot");
        dot.Stdout.Should().StartWith($"digraph \"{project.Name}\" {{\n").And.Contain("  \"api\" -> \"db\" [label=\"service_healthy\"];\n").And.EndWith("}\n");
    }
}
