using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Foundation;

/// <summary>Issue 2's acceptance: the app + database shape on the real engine, idempotent up, and a careful down.</summary>
public class UpDownTests
{
    private const string AppDb = """
        services:
          db:
            image: composer-busybox:1
            init: true
            command:
              - sh
              - -c
              - |
                [ -f /data/index.html ] || echo "line from the volume" > /data/index.html
                exec httpd -f -p 80 -h /data
            expose: ["80"]
            volumes: ["dbdata:/data"]
          app:
            image: composer-busybox:1
            init: true
            depends_on:
              db: { condition: service_started }
            links: ["db:database"]
            command:
              - sh
              - -c
              - |
                until line=$$(wget -qO- http://database/); do sleep 0.2; done
                echo "app read: $$line"
                exec sleep 2147483647
        volumes:
          dbdata:
        """;

    [Fact]
    public async Task App_reads_a_line_from_the_database_through_the_link_alias_and_db_starts_first()
    {
        await using var project = await TestProject.CreateAsync("appdb", AppDb);
        await project.RunOkAsync("up", "-d");

        var logs = await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("app read:"), "app to read from the database");
        logs.Should().Contain("app read: line from the volume");

        var db = await project.InspectAsync("db");
        var app = await project.InspectAsync("app");
        DateTime.Parse(db.State.StartedAt).Should().BeOnOrBefore(DateTime.Parse(app.State.StartedAt), "db must be running before app starts");

        // Compose's names and labels.
        db.Name.Should().Be($"/{project.Name}-db-1");
        db.Config.Labels.Should().Contain("com.docker.compose.project", project.Name)
            .And.Contain("com.docker.compose.service", "db")
            .And.Contain("com.docker.compose.container-number", "1")
            .And.Contain("com.docker.compose.oneoff", "False")
            .And.Contain("com.docker.compose.project.working_dir", project.Directory)
            .And.Contain("com.docker.compose.project.config_files", Path.Combine(project.Directory, "compose.yaml"))
            .And.ContainKey("com.docker.compose.config-hash");
        db.NetworkSettings.Networks.Should().ContainKey($"{project.Name}_default");
        db.Mounts.Should().ContainSingle(m => m.Name == $"{project.Name}_dbdata" && m.Destination == "/data");

        // Reachable by service name and by link alias.
        (await project.ExecAsync("app", "nslookup", "db")).ExitCode.Should().Be(0);
        (await project.ExecAsync("app", "wget", "-qO-", "http://database/")).Output.Should().Contain("line from the volume");
    }

    [Fact]
    public async Task A_second_up_changes_nothing()
    {
        await using var project = await TestProject.CreateAsync("idem", AppDb);
        await project.RunOkAsync("up", "-d");
        var before = await Snapshot(project);

        var second = await project.RunOkAsync("up", "-d");
        second.Stderr.Should().NotContain("Created").And.NotContain("Started").And.NotContain("Recreate");
        (await Snapshot(project)).Should().BeEquivalentTo(before);
    }

    private static async Task<List<(string Id, string StartedAt)>> Snapshot(TestProject project)
    {
        var result = new List<(string, string)>();
        foreach (var service in new[] { "app", "db" })
        {
            var c = await project.InspectAsync(service);
            result.Add((c.ID, c.State.StartedAt));
        }
        return result;
    }

    [Fact]
    public async Task Down_removes_containers_and_networks_keeps_the_volume_and_never_touches_foreign_containers()
    {
        await using var project = await TestProject.CreateAsync("down", AppDb);
        var client = await Engine.ClientAsync();
        await project.RunOkAsync("up", "-d");

        // A container started outside the project, even one named like the project's, must survive.
        var foreignName = $"{project.Name}-foreign";
        await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = foreignName, Image = Engine.BusyboxImage, Cmd = ["sleep", "2147483647"],
            Labels = new Dictionary<string, string> { ["purpose"] = "outside the project" },
            HostConfig = new HostConfig { Init = true },
        });
        try
        {
            await client.Containers.StartContainerAsync(foreignName, new ContainerStartParameters());
            await project.RunOkAsync("down", "-t", "5");

            (await project.ContainersAsync()).Should().BeEmpty();
            var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = Engine.ProjectFilter(project.Name) });
            networks.Should().BeEmpty();
            (await client.Volumes.InspectAsync($"{project.Name}_dbdata")).Name.Should().Be($"{project.Name}_dbdata");
            (await client.Containers.InspectContainerAsync(foreignName)).State.Running.Should().BeTrue();

            // The volume kept its data: a new up reads the same line.
            await project.RunOkAsync("up", "-d");
            await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("app read: line from the volume"), "app to read again");

            await project.RunOkAsync("down", "-v", "-t", "5");
            var volumes = await client.Volumes.ListAsync(new VolumesListParameters { Filters = Engine.ProjectFilter(project.Name) });
            (volumes.Volumes ?? []).Should().BeEmpty();
            (await client.Containers.InspectContainerAsync(foreignName)).State.Running.Should().BeTrue();
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(foreignName, new ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task A_dependency_cycle_exits_2_and_names_the_cycle()
    {
        await using var project = await TestProject.CreateAsync("cycle", """
            services:
              a: { image: composer-busybox:1, depends_on: [b] }
              b: { image: composer-busybox:1, links: [a] }
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("compose.yaml:2:3: error: dependency cycle detected: a -> b -> a");
        (await project.ContainersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_image_fails_with_the_service_and_image_named_and_exit_1()
    {
        await using var project = await TestProject.CreateAsync("noimage", """
            services:
              web: { image: composer-does-not-exist:1 }
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("service \"web\"").And.Contain("composer-does-not-exist:1");
    }

    [Fact]
    public async Task An_invalid_key_exits_2_with_file_line_and_column()
    {
        await using var project = await TestProject.CreateAsync("badkey", """
            services:
              web:
                image: composer-busybox:1
                enviroment: { A: b }
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("compose.yaml:4:5: error: services.web: 'enviroment' is not allowed here; did you mean 'environment'?");
    }

    [Fact]
    public async Task A_yaml_syntax_error_exits_2_with_its_position()
    {
        await using var project = await TestProject.CreateAsync("badyaml", "services:\n  web:\n    image: [unclosed\n");
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().MatchRegex(@"compose\.yaml:\d+:\d+: error: invalid YAML");
    }

    [Fact]
    public async Task Independent_services_all_start_and_dependents_start_after_their_dependencies()
    {
        await using var project = await TestProject.CreateAsync("fanout", """
            services:
              base: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"] }
              a: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"], depends_on: [base] }
              b: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"], depends_on: [base] }
              c: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"], depends_on: [a, b] }
            """);
        await project.RunOkAsync("up", "-d");
        var started = new Dictionary<string, DateTime>();
        foreach (var s in new[] { "base", "a", "b", "c" })
        {
            var c = await project.InspectAsync(s);
            c.State.Running.Should().BeTrue();
            started[s] = DateTime.Parse(c.State.StartedAt);
        }
        started["a"].Should().BeOnOrAfter(started["base"]);
        started["b"].Should().BeOnOrAfter(started["base"]);
        started["c"].Should().BeOnOrAfter(started["a"]).And.BeOnOrAfter(started["b"]);
    }
}
