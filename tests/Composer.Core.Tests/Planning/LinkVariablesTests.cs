using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Planning;

/// <summary>Link and discovery variables: planned by name, resolved to addresses right before create, never stale.</summary>
public class LinkVariablesTests
{
    private const string Linked = """
        services:
          db:
            image: x
            expose: ["5432", "53/udp"]
            environment: { V: "1" }
          app:
            image: x
            links: ["db:database"]
            environment: { DATABASE_PORT_5432_TCP_PORT: "overridden by the file" }
          watcher:
            image: x
            depends_on:
              db: { condition: service_started, restart: true }
          plain:
            image: x
            depends_on: [db]
        """;

    private static ObserveRequest Request(Project p) => new(p.Name) { Images = ["x"] };

    private static async Task<FakeEngine> UpAsync(Project project, FakeEngine engine)
    {
        var plan = Planner.PlanUp(project, await engine.ObserveAsync(Request(project), default), new UpOptions());
        var result = await new PlanExecutor(engine).ExecuteAsync(plan, default);
        result.Succeeded.Should().BeTrue(string.Join("\n", result.Failures.Select(f => f.Error.Message)));
        return engine;
    }

    private static Dictionary<string, string> Env(FakeEngine engine, string container) =>
        engine.Containers[container].Spec.Environment.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task The_plan_names_targets_but_holds_no_address_and_creates_the_consumer_after_the_target_runs()
    {
        var project = TestProjects.Load(Linked);
        var plan = Planner.PlanUp(project, await new FakeEngine().ObserveAsync(Request(project), default), new UpOptions());
        var app = plan.Operations.OfType<CreateContainer>().Single(o => o.Spec.Name == "demo-app-1");
        app.Spec.LinkTargets.Should().Equal(new LinkTarget("database", "demo-db-1", DockerVariables: true));
        app.After.Should().Contain("start:demo-db-1");
        app.Spec.Environment.Should().NotContain(e => e.StartsWith("DATABASE_PORT=", StringComparison.Ordinal), "addresses are resolved at execution time");
        plan.Operations.OfType<CreateContainer>().Single(o => o.Spec.Name == "demo-watcher-1").Spec.LinkTargets
            .Should().Equal(new LinkTarget("db", "demo-db-1", DockerVariables: false));
        plan.Operations.OfType<CreateContainer>().Single(o => o.Spec.Name == "demo-plain-1").Spec.LinkTargets.Should().BeEmpty();
        plan.ToString().Should().NotContain("10.0.");
        // The hash covers the link spec; it is a function of the file alone.
        ConfigHash.CanonicalForm(project.Services["app"]).Should().Contain("\"links\":[\"db:database\"]").And.NotContain("10.0.");
    }

    [Fact]
    public async Task The_executor_writes_Dockers_link_variables_and_the_discovery_variable_from_the_targets_current_address()
    {
        var engine = await UpAsync(TestProjects.Load(Linked), new FakeEngine());
        var dbAddress = (await engine.InspectEndpointsAsync("demo-db-1", default))!.Addresses.Values.Single();
        var env = Env(engine, "demo-app-1");
        env.Should().Contain("DATABASE_NAME", "/demo-app-1/database")
            .And.Contain("DATABASE_PORT", $"udp://{dbAddress}:53", "Docker's default port is the lowest number")
            .And.Contain("DATABASE_PORT_5432_TCP", $"tcp://{dbAddress}:5432")
            .And.Contain("DATABASE_PORT_5432_TCP_ADDR", dbAddress)
            .And.Contain("DATABASE_PORT_5432_TCP_PROTO", "tcp")
            .And.Contain("DATABASE_PORT_53_UDP", $"udp://{dbAddress}:53")
            .And.Contain("DATABASE_PORT_53_UDP_PORT", "53")
            .And.Contain("DATABASE_PORTS", $"udp://{dbAddress}:53,tcp://{dbAddress}:5432")
            .And.Contain("DATABASE_PORT_5432_TCP_PORT", "overridden by the file");
        var watcher = Env(engine, "demo-watcher-1");
        watcher.Should().Contain("DB_PORTS", $"udp://{dbAddress}:53,tcp://{dbAddress}:5432").And.NotContainKey("DB_PORT");
        Env(engine, "demo-plain-1").Should().NotContainKey("DB_PORTS");
    }

    [Fact]
    public async Task A_link_passes_the_targets_own_environment_on_as_ALIAS_ENV_but_not_HOME_PATH_or_what_Composer_wrote()
    {
        var engine = await UpAsync(TestProjects.Load("""
            services:
              db:
                image: x
                expose: ["5432"]
                environment: { POSTGRES_USER: app, HOME: /root, PATH: /bin }
              api:
                image: x
                expose: ["80"]
                links: [db]
              web:
                image: x
                links: ["api:backend"]
            """), new FakeEngine());
        Env(engine, "demo-api-1").Should().Contain("DB_ENV_POSTGRES_USER", "app").And.NotContainKeys("DB_ENV_HOME", "DB_ENV_PATH");
        Env(engine, "demo-web-1").Keys.Should().NotContain(k => k.StartsWith("BACKEND_ENV_", StringComparison.Ordinal),
            "api's environment holds only the variables Composer wrote for its own link");
        engine.Containers["demo-api-1"].Spec.Labels[LinkVariables.WrittenLabel].Split(',').Should().Contain(["DB_ENV_POSTGRES_USER", "DB_NAME", "DB_PORT"]);
    }

    [Fact]
    public void A_run_of_consecutive_ports_gets_Dockers_range_variables_named_after_its_first_port()
    {
        var consumer = new ContainerSpec { Name = "demo-app-1", Image = "x", Service = "app" };
        var endpoints = new ContainerEndpoints("demo-db-1", "db", true, ImmutableSortedDictionary<string, string>.Empty.Add("demo_default", "10.0.0.2"),
            ["8000/tcp", "8001/tcp", "8002/tcp", "9000/tcp"]);
        var env = LinkVariables.For(consumer, new LinkTarget("db", "demo-db-1", DockerVariables: true), endpoints)
            .Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        env.Should().Contain("DB_PORT_8000_TCP_START", "tcp://10.0.0.2:8000")
            .And.Contain("DB_PORT_8000_TCP_ADDR", "10.0.0.2")
            .And.Contain("DB_PORT_8000_TCP_PROTO", "tcp")
            .And.Contain("DB_PORT_8000_TCP_PORT_START", "8000")
            .And.Contain("DB_PORT_8000_TCP_END", "tcp://10.0.0.2:8002")
            .And.Contain("DB_PORT_8000_TCP_PORT_END", "8002")
            .And.Contain("DB_PORT_8001_TCP", "tcp://10.0.0.2:8001", "every port of the run still has its own variables")
            .And.Contain("DB_PORT_9000_TCP_PORT", "9000");
        env.Keys.Should().NotContain(k => k.StartsWith("DB_PORT_9000_TCP_", StringComparison.Ordinal) && (k.EndsWith("_START") || k.EndsWith("_END")), "a lone port is no range");
        env.Keys.Should().NotContain(k => k.StartsWith("DB_PORT_8001_TCP_", StringComparison.Ordinal) && k.EndsWith("_START"));
    }

    [Fact]
    public async Task A_recreated_target_recreates_its_consumers_which_get_its_new_address()
    {
        var engine = await UpAsync(TestProjects.Load(Linked), new FakeEngine());
        var oldAddress = (await engine.InspectEndpointsAsync("demo-db-1", default))!.Addresses.Values.Single();
        var changed = TestProjects.Load(Linked.Replace("V: \"1\"", "V: \"2\""));
        var plan = Planner.PlanUp(changed, await engine.ObserveAsync(Request(changed), default), new UpOptions());
        plan.ToString().Should().Contain("create container demo-app-1  (dependency db recreated (links))")
            .And.Contain("create container demo-watcher-1  (dependency db recreated (depends_on restart: true))")
            .And.NotContain("create container demo-plain-1");
        (await new PlanExecutor(engine).ExecuteAsync(plan, default)).Succeeded.Should().BeTrue();

        var newAddress = (await engine.InspectEndpointsAsync("demo-db-1", default))!.Addresses.Values.Single();
        newAddress.Should().NotBe(oldAddress);
        Env(engine, "demo-app-1")["DATABASE_PORT_5432_TCP_ADDR"].Should().Be(newAddress);
        Env(engine, "demo-watcher-1")["DB_PORTS"].Should().Contain(newAddress);
    }

    [Fact]
    public async Task A_target_that_came_back_on_another_address_outside_up_gets_its_consumers_recreated_by_the_next_up()
    {
        var project = TestProjects.Load(Linked);
        var engine = await UpAsync(project, new FakeEngine());
        (await PlanText(project, engine)).Should().Be("nothing to do\n");

        // Restarted behind Composer's back (docker restart, a crash and restart policy): the fake hands out a new address.
        await engine.StopContainerAsync("demo-db-1", null, default);
        await engine.StartContainerAsync("demo-db-1", default);
        (await PlanText(project, engine)).Should().Be("""
            stop container demo-app-1  (dependency database has a new address)
            stop container demo-watcher-1  (dependency db has a new address)
            remove container demo-app-1  (dependency database has a new address)
            remove container demo-watcher-1  (dependency db has a new address)
            create container demo-app-1  (dependency database has a new address)
            create container demo-watcher-1  (dependency db has a new address)
            start container demo-app-1  (created)
            start container demo-watcher-1  (created)

            """.Replace("\r", ""));

        // Stopped: the consumers wait for it to run again, then are made with its new address.
        await UpAsync(project, engine);
        await engine.StopContainerAsync("demo-db-1", null, default);
        var plan = Planner.PlanUp(project, await engine.ObserveAsync(Request(project), default), new UpOptions());
        plan.Operations.OfType<CreateContainer>().Single(o => o.Spec.Name == "demo-app-1").After.Should().Contain("start:demo-db-1");
        (await new PlanExecutor(engine).ExecuteAsync(plan, default)).Succeeded.Should().BeTrue();
        var address = (await engine.InspectEndpointsAsync("demo-db-1", default))!.Addresses.Values.Single();
        Env(engine, "demo-app-1")["DATABASE_PORT_5432_TCP_ADDR"].Should().Be(address);
        (await PlanText(project, engine)).Should().Be("nothing to do\n");
    }

    [Fact]
    public async Task An_external_link_gets_the_variables_and_a_second_up_leaves_the_consumer_alone()
    {
        var engine = new FakeEngine();
        await engine.CreateContainerAsync(new ContainerSpec
        {
            Name = "shared-db", Service = "db", Image = "x", PrimaryNetwork = new NetworkAttachment("demo_default", []), ExposedPorts = ["5432/tcp"],
            Labels = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add(ComposeLabels.Project, "other"),
        }, default);
        await engine.StartContainerAsync("shared-db", default);
        var project = TestProjects.Load("services:\n  app:\n    image: x\n    external_links: [\"shared-db:shared\"]\n");
        await UpAsync(project, engine);
        var address = (await engine.InspectEndpointsAsync("shared-db", default))!.Addresses.Values.Single();
        Env(engine, "demo-app-1").Should().Contain("SHARED_PORT_5432_TCP_ADDR", address).And.Contain("SHARED_PORTS", $"tcp://{address}:5432");
        (await PlanText(project, engine)).Should().Be("nothing to do\n", "an external target is not observed, so it is not taken for gone");
    }

    private static async Task<string> PlanText(Project project, FakeEngine engine) =>
        Planner.PlanUp(project, await engine.ObserveAsync(Request(project), default), new UpOptions()).ToString();

    [Fact]
    public void Variables_follow_Dockers_names_and_order_and_none_carry_an_address_when_the_target_has_none()
    {
        var consumer = new ContainerSpec { Name = "p-web-1", Service = "web", Image = "x", PrimaryNetwork = new NetworkAttachment("p_default", []) };
        var target = new LinkTarget("my-db.local", "p-db-1", DockerVariables: true);
        var endpoints = new ContainerEndpoints("p-db-1", "db", true,
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("other", "10.9.0.2").Add("p_default", "10.1.0.4"), ["8080/tcp", "53/udp", "53/tcp"]);
        LinkVariables.For(consumer, target, endpoints).Should().Equal(
            "MY_DB_LOCAL_PORT=tcp://10.1.0.4:53",
            "MY_DB_LOCAL_PORT_53_TCP=tcp://10.1.0.4:53", "MY_DB_LOCAL_PORT_53_TCP_ADDR=10.1.0.4", "MY_DB_LOCAL_PORT_53_TCP_PORT=53", "MY_DB_LOCAL_PORT_53_TCP_PROTO=tcp",
            "MY_DB_LOCAL_PORT_53_UDP=udp://10.1.0.4:53", "MY_DB_LOCAL_PORT_53_UDP_ADDR=10.1.0.4", "MY_DB_LOCAL_PORT_53_UDP_PORT=53", "MY_DB_LOCAL_PORT_53_UDP_PROTO=udp",
            "MY_DB_LOCAL_PORT_8080_TCP=tcp://10.1.0.4:8080", "MY_DB_LOCAL_PORT_8080_TCP_ADDR=10.1.0.4", "MY_DB_LOCAL_PORT_8080_TCP_PORT=8080", "MY_DB_LOCAL_PORT_8080_TCP_PROTO=tcp",
            "MY_DB_LOCAL_NAME=/p-web-1/my-db.local",
            "MY_DB_LOCAL_PORTS=tcp://10.1.0.4:53,udp://10.1.0.4:53,tcp://10.1.0.4:8080");
        var stopped = endpoints with { Running = false, Addresses = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty };
        LinkVariables.For(consumer, target, stopped).Should().Equal("MY_DB_LOCAL_NAME=/p-web-1/my-db.local");
    }
}
