using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Watch;

/// <summary>Issue 6 on the real engine: crashes and removals are undone and stale dependents relinked.</summary>
public class WatchTests
{
    private const string Backend = """
        services:
          db:
            image: composer-busybox:1
            init: true
            command: ["sh", "-c", "echo backend > /tmp/index.html && exec httpd -f -p 80 -h /tmp"]
            expose: ["80"]
          byname:
            image: composer-busybox:1
            init: true
            depends_on: [db]
            command: ["sleep", "2147483647"]
          sidecar:
            image: composer-busybox:1
            init: true
            network_mode: "service:db"
            command: ["sleep", "2147483647"]
        """;

    [Fact]
    public async Task A_crashed_backend_comes_back_its_namespace_sharer_is_recreated_and_a_name_user_is_left_alone()
    {
        await using var project = await TestProject.CreateAsync("watch-crash", Backend);
        await project.RunOkAsync("up", "-d");
        var byName = await project.InspectAsync("byname");
        var sidecar = await project.InspectAsync("sidecar");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        await project.CrashAsync("db");

        var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
        incident.GetProperty("incident").GetString().Should().Be("crashed");
        incident.GetProperty("exit_code").GetInt32().Should().Be(137);
        incident.GetProperty("outcome").GetString().Should().Be("restarted");
        incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("sidecar"));
        incident.GetProperty("verified_by_name").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("byname"));

        (await project.InspectAsync("db")).State.Running.Should().BeTrue();
        (await project.InspectAsync("sidecar")).ID.Should().NotBe(sidecar.ID, "its network namespace died with db");
        (await project.InspectAsync("byname")).ID.Should().Be(byName.ID, "it finds db by name; nothing is stale");
        (await project.ExecAsync("byname", "wget", "-qO-", "http://db/")).Output.Should().Contain("backend");
        (await project.ExecAsync("sidecar", "wget", "-qO-", "http://127.0.0.1/")).Output.Should().Contain("backend");

        (await watch.InterruptAsync()).Should().Be(0);
        (await project.InspectAsync("db")).State.Running.Should().BeTrue("Ctrl-C leaves containers running");
    }

    [Fact]
    public async Task A_linked_backend_killed_with_sigkill_gets_its_consumer_recreated_with_variables_for_its_new_address()
    {
        // db's first restart waits 5 s, long enough for a squatter to take its freed address, so db comes back elsewhere.
        await using var project = await TestProject.CreateAsync("watch-link", """
            services:
              db:
                image: composer-busybox:1
                init: true
                command: ["sh", "-c", "echo backend > /tmp/index.html && exec httpd -f -p 80 -h /tmp"]
                expose: ["80"]
                x-composer:
                  restart_backoff_initial: 5s
              app:
                image: composer-busybox:1
                init: true
                links: ["db:database"]
                command: ["sleep", "2147483647"]
            """);
        await project.RunOkAsync("up", "-d");
        var app = await project.InspectAsync("app");
        var network = $"{project.Name}_default";
        var oldAddress = (await project.InspectAsync("db")).NetworkSettings.Networks[network].IPAddress;
        EnvOf(app).Should().Contain($"DATABASE_PORT_80_TCP_ADDR={oldAddress}");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        await project.CrashAsync("db");
        await Eventually.Until(async () => (await project.InspectAsync("db")).State.Running, running => !running, "db to be down");
        var client = await Engine.ClientAsync();
        await client.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
        {
            Name = $"{project.Name}-squatter", Image = Engine.BusyboxImage, Cmd = ["sleep", "2147483647"],
            Labels = new Dictionary<string, string> { ["com.docker.compose.project"] = project.Name, ["com.docker.compose.service"] = "squatter" },
            HostConfig = new global::Docker.DotNet.Models.HostConfig { Init = true, NetworkMode = network },
        });
        await client.Containers.StartContainerAsync($"{project.Name}-squatter", new global::Docker.DotNet.Models.ContainerStartParameters());
        // The engine hands out the lowest free address: the one db just left. Without that this test proves nothing.
        (await client.Containers.InspectContainerAsync($"{project.Name}-squatter")).NetworkSettings.Networks[network].IPAddress
            .Should().Be(oldAddress, "the squatter must take db's old address for db to come back on a new one");

        var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
        incident.GetProperty("outcome").GetString().Should().Be("restarted");
        incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("app"));
        var newAddress = (await project.InspectAsync("db")).NetworkSettings.Networks[network].IPAddress;
        newAddress.Should().NotBe(oldAddress);
        var relinked = await project.InspectAsync("app");
        relinked.ID.Should().NotBe(app.ID);
        EnvOf(relinked).Should().Contain($"DATABASE_PORT_80_TCP_ADDR={newAddress}").And.Contain("DATABASE_PORT=tcp://" + newAddress + ":80");
        (await project.ExecAsync("app", "sh", "-c", "wget -qO- http://$DATABASE_PORT_80_TCP_ADDR:$DATABASE_PORT_80_TCP_PORT/")).Output.Should().Contain("backend");
    }

    private static IList<string> EnvOf(global::Docker.DotNet.Models.ContainerInspectResponse c) => c.Config.Env;

    /// <summary>
    /// In a project twice the size of what a repair reads, watch lists only the crashed service and its neighbours
    /// (one label-filtered list each): the engine must AND the project and service labels, or a restart would find
    /// every container, or none, and recreate what it should restart.
    /// </summary>
    [Fact]
    public async Task In_a_larger_project_a_crash_is_repaired_from_a_listing_of_the_crashed_service_and_its_neighbours()
    {
        var unrelated = string.Concat(Enumerable.Range(1, 4).Select(i =>
            $"  other{i}:\n    image: composer-busybox:1\n    init: true\n    command: [\"sleep\", \"2147483647\"]\n"));
        await using var project = await TestProject.CreateAsync("watch-scoped", Backend + "\n" + unrelated);
        await project.RunOkAsync("up", "-d");

        using (var engine = global::Composer.Docker.DockerEngine.Connect())
        {
            var scoped = await engine.ObserveAsync(new global::Composer.Core.Engine.ObserveRequest(project.Name) { Services = ["db", "byname"] }, CancellationToken.None);
            scoped.Containers.Select(c => c.Name).Should().BeEquivalentTo([project.ContainerName("db"), project.ContainerName("byname")]);
            scoped.Networks.Select(n => n.Name).Should().Contain($"{project.Name}_default", "networks are always the project's");
        }

        var db = await project.InspectAsync("db");
        var byName = await project.InspectAsync("byname");
        var sidecar = await project.InspectAsync("sidecar");
        var other = await project.InspectAsync("other1");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        TestProject.KillFromHost(byName.State.Pid);
        var nameUser = await watch.NextIncidentAsync(project.ContainerName("byname"));
        nameUser.GetProperty("outcome").GetString().Should().Be("restarted");
        (await project.InspectAsync("byname")).ID.Should().Be(byName.ID, "restarted, not recreated: the scoped listing found it");

        TestProject.KillFromHost(db.State.Pid);
        var backend = await watch.NextIncidentAsync(project.ContainerName("db"));
        backend.GetProperty("outcome").GetString().Should().Be("restarted");
        backend.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("sidecar"));
        backend.GetProperty("verified_by_name").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("byname"));
        (await project.InspectAsync("db")).ID.Should().Be(db.ID);
        (await project.InspectAsync("sidecar")).ID.Should().NotBe(sidecar.ID, "its network namespace died with db");
        (await project.InspectAsync("other1")).ID.Should().Be(other.ID, "a repair leaves unrelated services alone");
        (await project.ExecAsync("sidecar", "wget", "-qO-", "http://127.0.0.1/")).Output.Should().Contain("backend");
        (await project.ExecAsync("byname", "wget", "-qO-", "http://db/")).Output.Should().Contain("backend");
    }

    [Fact]
    public async Task A_second_watcher_on_the_same_project_is_refused()
    {
        await using var project = await TestProject.CreateAsync("watch-twice", Backend);
        await project.RunOkAsync("up", "-d");
        await using var first = await BackgroundComposer.WatchAsync(project);
        var second = await project.RunAsync("watch");
        second.ExitCode.Should().Be(1, second.ToString());
        second.Stderr.Should().Contain($"another composer is already watching project \"{project.Name}\"");
    }

    [Fact]
    public async Task A_removed_backend_is_recreated_from_the_model_and_its_dependents_relinked()
    {
        await using var project = await TestProject.CreateAsync("watch-rm", Backend);
        await project.RunOkAsync("up", "-d");
        await using var watch = await BackgroundComposer.WatchAsync(project);
        var before = await project.InspectAsync("db");
        var sidecar = await project.InspectAsync("sidecar");
        var byName = await project.InspectAsync("byname");

        var client = await Engine.ClientAsync();
        await client.Containers.RemoveContainerAsync(project.ContainerName("db"), new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });

        var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
        incident.GetProperty("incident").GetString().Should().Be("removed");
        incident.GetProperty("outcome").GetString().Should().Be("recreated");
        incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("sidecar"));
        var after = await project.InspectAsync("db");
        after.ID.Should().NotBe(before.ID);
        after.State.Running.Should().BeTrue();
        after.Config.Labels.Should().Contain("com.docker.compose.project", project.Name);
        (await project.InspectAsync("sidecar")).ID.Should().NotBe(sidecar.ID, "it shared the removed container's namespace");
        (await project.InspectAsync("byname")).ID.Should().Be(byName.ID);
        (await project.ExecAsync("byname", "wget", "-qO-", "http://db/")).Output.Should().Contain("backend");
        (await project.ExecAsync("sidecar", "wget", "-qO-", "http://127.0.0.1/")).Output.Should().Contain("backend");
    }

    [Fact]
    public async Task A_service_that_always_fails_backs_off_up_to_the_cap_and_is_reported_crash_looping()
    {
        // A short cap keeps the test bounded: 100, 200, 400, 400, 400 ms.
        await using var project = await TestProject.CreateAsync("watch-loop", """
            services:
              flaky:
                image: composer-busybox:1
                command: ["sh", "-c", "exit 1"]
                x-composer:
                  restart_backoff_cap: 400ms
            """);
        await project.RunOkAsync("up", "-d");
        await using var watch = BackgroundComposer.Start(project.Directory, "-p", project.Name, "watch", "--format", "json");

        var backoffs = new List<long>();
        var crashLooping = false;
        for (var i = 0; i < 6; i++)
        {
            var incident = await watch.NextIncidentAsync(project.ContainerName("flaky"));
            incident.GetProperty("exit_code").GetInt32().Should().Be(1);
            backoffs.Add(incident.GetProperty("backoff_ms").GetInt64());
            crashLooping = incident.GetProperty("crash_looping").GetBoolean();
        }
        backoffs.Should().BeInAscendingOrder("intervals grow");
        backoffs.Max().Should().Be(400, "they stop at the cap");
        backoffs.TakeLast(2).Should().AllSatisfy(b => b.Should().Be(400));
        backoffs.First().Should().BeLessThan(400);
        crashLooping.Should().BeTrue();

        var ps = await project.RunOkAsync("ps", "-a");
        ps.Stdout.Should().MatchRegex(@"restarts: \d+, crash-looping");
    }

    [Fact]
    public async Task An_unhealthy_container_is_restarted_which_the_engine_never_does()
    {
        await using var project = await TestProject.CreateAsync("watch-sick", """
            services:
              api:
                image: composer-busybox:1
                init: true
                command: ["sh", "-c", "rm -f /tmp/sick; exec sleep 2147483647"]
                healthcheck:
                  test: ["CMD", "sh", "-c", "[ ! -f /tmp/sick ]"]
                  interval: 1s
                  timeout: 1s
                  retries: 1
            """);
        await project.RunOkAsync("up", "-d");
        await using var watch = await BackgroundComposer.WatchAsync(project);
        var startedBefore = (await project.InspectAsync("api")).State.StartedAt;

        (await project.ExecAsync("api", "touch", "/tmp/sick")).ExitCode.Should().Be(0);

        var incident = await watch.NextIncidentAsync(project.ContainerName("api"));
        incident.GetProperty("incident").GetString().Should().Be("unhealthy");
        incident.GetProperty("outcome").GetString().Should().Be("restarted");
        var after = await project.InspectAsync("api");
        after.State.StartedAt.Should().NotBe(startedBefore);
        after.State.Running.Should().BeTrue();
        await Eventually.Until(async () => (await project.InspectAsync("api")).State.Health.Status, s => s == "healthy", "api to be healthy again");
    }

    [Fact]
    public async Task A_restart_policy_restart_is_left_to_the_engine_and_the_namespace_sharer_still_relinked()
    {
        await using var project = await TestProject.CreateAsync("watch-policy", Backend.Replace(
            "    expose: [\"80\"]\n", "    expose: [\"80\"]\n    restart: always\n"));
        await project.RunOkAsync("up", "-d");
        var sidecar = await project.InspectAsync("sidecar");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        await project.CrashAsync("db");

        var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
        incident.GetProperty("outcome").GetString().Should().Be("restarted by its restart policy");
        incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("sidecar"));
        var db = await project.InspectAsync("db");
        db.RestartCount.Should().Be(1, "the engine restarted it once and Composer did not start it a second time");
        (await project.InspectAsync("sidecar")).ID.Should().NotBe(sidecar.ID);
    }

    [Fact]
    public async Task Up_with_watch_converges_then_watches()
    {
        await using var project = await TestProject.CreateAsync("watch-up", Backend);
        await using var up = BackgroundComposer.Start(project.Directory, "-p", project.Name, "up", "-d", "--watch");
        // Progress and watch messages go to stderr; wait until both containers run, then crash db.
        await Eventually.Until(async () => (await project.ContainersAsync()).Count(c => c.State == "running"), n => n == 3, "the project to be up");
        await Eventually.Until(() => Task.FromResult(up.Stderr), s => s.Contains("container(s) running"), "watch to start");
        await project.CrashAsync("db");
        await up.NextLineAsync(l => l.StartsWith("db-1 exited 137 → restarted in ", StringComparison.Ordinal), "the incident line");
        (await project.InspectAsync("db")).State.Running.Should().BeTrue();
    }
}
