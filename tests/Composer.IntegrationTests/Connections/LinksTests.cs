using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Connections;

/// <summary>Pattern 4: examples/links, on a project network (Composer's variables) and on the default bridge (the engine's).</summary>
public class LinksTests
{
    private static Dictionary<string, string> Env(ContainerInspectResponse c) =>
        c.Config.Env.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task Consumers_see_Dockers_link_variables_with_the_targets_current_address_on_project_networks_and_on_the_default_bridge()
    {
        await using var project = await Examples.CopyAsync("links", "links");
        var env = new Dictionary<string, string> { ["OUTSIDE_NAME"] = $"{project.Name}-outside" };
        await project.RunOkAsync(env, "up", "-d");
        var network = $"{project.Name}_default";

        // Project network: Composer wrote the variables from db's address.
        var db = (await project.InspectAsync("db")).NetworkSettings.Networks[network].IPAddress;
        var app = Env(await project.InspectAsync("app"));
        app.Should().Contain("DATABASE_NAME", $"/{project.Name}-app-1/database")
            .And.Contain("DATABASE_PORT", $"udp://{db}:53")
            .And.Contain("DATABASE_PORT_5432_TCP", $"tcp://{db}:5432")
            .And.Contain("DATABASE_PORT_5432_TCP_ADDR", db)
            .And.Contain("DATABASE_PORT_5432_TCP_PORT", "5432")
            .And.Contain("DATABASE_PORT_5432_TCP_PROTO", "tcp")
            .And.Contain("DATABASE_PORT_53_UDP_PROTO", "udp")
            .And.Contain("DATABASE_PORTS", $"udp://{db}:53,tcp://{db}:5432")
            .And.Contain("DATABASE_ENV_POSTGRES_USER", "app", "Docker passes the target's environment on")
            .And.Contain("DB_PORT_5432_TCP_ADDR", db);
        app.Keys.Should().NotContain(["DATABASE_ENV_PATH", "DATABASE_ENV_HOME"]);
        var outside = (await (await Engine.ClientAsync()).Containers.InspectContainerAsync($"{project.Name}-outside")).NetworkSettings.Networks[network].IPAddress;
        app.Should().Contain("LEGACY_PORT_80_TCP_ADDR", outside).And.Contain("LEGACY_NAME", $"/{project.Name}-app-1/legacy");

        var logs = await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("external:"), "app to use its links");
        logs.Should().Contain("by alias: db here").And.Contain("by variable: db here").And.Contain("external: outside here");

        // Default bridge: the engine's own links wrote the variables; Composer added only the discovery variable.
        var bridgeDb = (await project.InspectAsync("bridge-db")).NetworkSettings.Networks["bridge"].IPAddress;
        var bridgeAppContainer = await project.InspectAsync("bridge-app");
        bridgeAppContainer.HostConfig.Links.Should().ContainSingle().Which.Should().EndWith("/database");
        Env(bridgeAppContainer).Should().Contain("DATABASE_PORTS", $"tcp://{bridgeDb}:5432").And.NotContainKey("DATABASE_PORT_5432_TCP_ADDR");
        // The engine puts its link variables in the process's environment at start (not in the container's config).
        var bridgeLogs = await Eventually.Until(() => project.LogsAsync("bridge-app"), l => l.Contains("by alias:"), "bridge-app to use its link");
        bridgeLogs.Should().Contain($"DATABASE_PORT_5432_TCP_ADDR={bridgeDb}").And.Contain("by alias: bridge db here");

        // db restarted behind Composer's back on another address (a placeholder of this project holds its old one
        // meanwhile): app's variables now hold an address db no longer has, so the next `up` recreates app, after db
        // runs, with db's current address.
        var appId = (await project.InspectAsync("app")).ID;
        var (_, db2, _) = await project.RestartOnNewAddressAsync("db", network);

        var recreate = await project.RunOkAsync(env, "up", "-d");
        recreate.Stderr.Should().Contain($"{project.Name}-app-1  Recreate").And.NotContain($"{project.Name}-db-1  Recreate");
        var app2 = await project.InspectAsync("app");
        app2.ID.Should().NotBe(appId, $"app held db's old address, so it is recreated\n{recreate}");
        Env(app2)["DATABASE_PORT_5432_TCP_ADDR"].Should().Be(db2);
        Env(app2)["DATABASE_PORTS"].Should().Be($"udp://{db2}:53,tcp://{db2}:5432");
        (await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("by variable:"), "the new app to use its variables"))
            .Should().Contain("by variable: db here");
    }

    [Fact]
    public async Task A_range_of_exposed_ports_gets_Dockers_range_variables_and_the_consumer_reaches_the_range()
    {
        await using var project = await TestProject.CreateAsync("links-range", """
            services:
              db:
                image: composer-busybox:1
                init: true
                expose: ["7000-7002"]
                command: [sh, -c, 'mkdir -p /www && echo "range end" > /www/index.html && exec httpd -f -p 7002 -h /www']
              app:
                image: composer-busybox:1
                init: true
                links: [db]
                command: [sh, -c, 'echo "end: $$(timeout 10 wget -qO- http://$$DB_PORT_7000_TCP_ADDR:$$DB_PORT_7000_TCP_PORT_END/)"; exec sleep 2147483647']
            """);
        await project.RunOkAsync("up", "-d");
        var db = (await project.InspectAsync("db")).NetworkSettings.Networks[$"{project.Name}_default"].IPAddress;
        Env(await project.InspectAsync("app")).Should().Contain("DB_PORT_7000_TCP_START", $"tcp://{db}:7000")
            .And.Contain("DB_PORT_7000_TCP_PORT_START", "7000")
            .And.Contain("DB_PORT_7000_TCP_END", $"tcp://{db}:7002")
            .And.Contain("DB_PORT_7000_TCP_PORT_END", "7002")
            .And.Contain("DB_PORT_7000_TCP_ADDR", db)
            .And.Contain("DB_PORT_7001_TCP", $"tcp://{db}:7001");
        (await Eventually.Until(() => project.LogsAsync("app"), l => l.Contains("end:"), "app to use the range's end"))
            .Should().Contain("end: range end");
    }
}
