using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Planning;

/// <summary>Plans are compared as text: a plan is a deterministic, human-readable list of operations with causes.</summary>
public class PlannerTests
{
    private const string AppDb = """
        services:
          db:
            image: x
            environment: { POSTGRES_DB: app }
            volumes: ["data:/var/lib/data"]
          app:
            image: x
            depends_on: [db]
            links: ["db:database"]
          web:
            image: x
            depends_on: [app]
          worker:
            image: x
        volumes:
          data:
        """;

    private static async Task<FakeEngine> UpAsync(Project project, FakeEngine? engine = null)
    {
        engine ??= new FakeEngine();
        var plan = Planner.PlanUp(project, await engine.ObserveAsync(Request(project), default), new UpOptions());
        var result = await new PlanExecutor(engine).ExecuteAsync(plan, default);
        result.Succeeded.Should().BeTrue(string.Join("\n", result.Failures.Select(f => f.Error.Message)));
        return engine;
    }

    private static ObserveRequest Request(Project p) => new(p.Name) { Images = [.. p.Services.Values.Select(s => s.Image!)] };

    private static async Task<string> PlanTextAsync(Project project, FakeEngine engine, UpOptions? options = null) =>
        Planner.PlanUp(project, await engine.ObserveAsync(Request(project), default), options ?? new UpOptions()).ToString();

    [Fact]
    public async Task A_fresh_project_creates_resources_then_containers_in_dependency_order()
    {
        var project = TestProjects.Load(AppDb);
        (await PlanTextAsync(project, new FakeEngine())).Should().Be("""
            create network demo_default  (missing)
            create volume demo_data  (missing)
            create container demo-db-1  (missing)
            create container demo-web-1  (missing)
            create container demo-worker-1  (missing)
            start container demo-db-1  (created)
            create container demo-app-1  (missing)
            start container demo-app-1  (created)
            start container demo-web-1  (created)
            start container demo-worker-1  (created)

            """.Replace("\r", ""));
    }

    [Fact]
    public async Task Every_start_comes_after_the_starts_of_what_it_depends_on()
    {
        var plan = Planner.PlanUp(TestProjects.Load(AppDb), (await new FakeEngine().ObserveAsync(Request(TestProjects.Load(AppDb)), default)), new UpOptions());
        var start = plan.Operations.OfType<StartContainer>().ToDictionary(o => o.Name);
        start["demo-app-1"].After.Should().Contain("start:demo-db-1");
        start["demo-web-1"].After.Should().Contain("start:demo-app-1");
        plan.Operations.OfType<CreateContainer>().Single(o => o.Spec.Name == "demo-app-1").After.Should().Contain("create:demo-db-1", "a link names an existing container");
    }

    [Fact]
    public async Task Nothing_changed_plans_nothing()
    {
        var project = TestProjects.Load(AppDb);
        var engine = await UpAsync(project);
        (await PlanTextAsync(project, engine)).Should().Be("nothing to do\n");
    }

    [Fact]
    public async Task A_changed_environment_recreates_the_service_and_its_link_dependents_only()
    {
        var engine = await UpAsync(TestProjects.Load(AppDb));
        var changed = TestProjects.Load(AppDb.Replace("POSTGRES_DB: app", "POSTGRES_DB: other"));
        // web depends on app without restart: true, so it is left alone; worker is unrelated.
        (await PlanTextAsync(changed, engine)).Should().Be("""
            stop container demo-app-1  (dependency db recreated (links))
            stop container demo-db-1  (configuration changed)
            remove container demo-app-1  (dependency db recreated (links))
            remove container demo-db-1  (configuration changed)
            create container demo-db-1  (configuration changed)
            start container demo-db-1  (created)
            create container demo-app-1  (dependency db recreated (links))
            start container demo-app-1  (created)

            """.Replace("\r", ""));
    }

    [Fact]
    public async Task Depends_on_with_restart_true_cascades_a_recreate()
    {
        var yaml = AppDb.Replace("    depends_on: [app]", "    depends_on:\n      app: { condition: service_started, restart: true }");
        var engine = await UpAsync(TestProjects.Load(yaml));
        var text = await PlanTextAsync(TestProjects.Load(yaml.Replace("POSTGRES_DB: app", "POSTGRES_DB: b")), engine);
        text.Should().Contain("create container demo-web-1  (dependency app recreated (depends_on restart: true))");
    }

    [Fact]
    public async Task A_changed_image_recreates_the_service()
    {
        var project = TestProjects.Load(AppDb);
        var engine = await UpAsync(project);
        engine.Images["x"] = "sha256:x2";
        var text = await PlanTextAsync(project, engine);
        text.Should().Contain("create container demo-worker-1  (image changed)").And.Contain("create container demo-db-1  (image changed)");
    }

    [Fact]
    public async Task Scale_up_adds_numbers_and_scale_down_removes_the_highest_first()
    {
        var project = TestProjects.Load(AppDb);
        var engine = await UpAsync(project);
        var up = new UpOptions { Scale = System.Collections.Immutable.ImmutableDictionary<string, int>.Empty.Add("worker", 3) };
        (await PlanTextAsync(project, engine, up)).Should().Be("""
            create container demo-worker-2  (missing)
            create container demo-worker-3  (missing)
            start container demo-worker-2  (created)
            start container demo-worker-3  (created)

            """.Replace("\r", ""));
        var plan = Planner.PlanUp(project, await engine.ObserveAsync(Request(project), default), up);
        (await new PlanExecutor(engine).ExecuteAsync(plan, default)).Succeeded.Should().BeTrue();

        var down = new UpOptions { Scale = System.Collections.Immutable.ImmutableDictionary<string, int>.Empty.Add("worker", 1) };
        (await PlanTextAsync(project, engine, down)).Should().Be("""
            stop container demo-worker-2  (scale worker=1)
            stop container demo-worker-3  (scale worker=1)
            remove container demo-worker-2  (scale worker=1)
            remove container demo-worker-3  (scale worker=1)

            """.Replace("\r", ""));
    }

    [Fact]
    public async Task An_orphan_is_warned_about_and_removed_only_when_asked()
    {
        var engine = await UpAsync(TestProjects.Load(AppDb));
        var withoutWorker = TestProjects.Load(AppDb.Replace("  worker:\n    image: x\n", ""));
        var observed = await engine.ObserveAsync(Request(withoutWorker), default);
        var plan = Planner.PlanUp(withoutWorker, observed, new UpOptions());
        plan.IsEmpty.Should().BeTrue();
        plan.Warnings.Should().ContainSingle().Which.Should().Contain("demo-worker-1").And.Contain("--remove-orphans");
        Planner.PlanUp(withoutWorker, observed, new UpOptions { RemoveOrphans = true }).ToString().Should().Be("""
            stop container demo-worker-1  (orphan)
            remove container demo-worker-1  (orphan)

            """.Replace("\r", ""));
    }

    [Fact]
    public async Task A_stopped_container_is_started_not_recreated()
    {
        var project = TestProjects.Load(AppDb);
        var engine = await UpAsync(project);
        await engine.StopContainerAsync("demo-worker-1", null, default);
        (await PlanTextAsync(project, engine)).Should().Be("start container demo-worker-1  (container is exited)\n");
    }

    [Fact]
    public async Task Force_recreate_and_no_recreate_override_the_comparison()
    {
        var project = TestProjects.Load(AppDb);
        var engine = await UpAsync(project);
        (await PlanTextAsync(project, engine, new UpOptions { ForceRecreate = true })).Should().Contain("create container demo-web-1  (--force-recreate)");
        var changed = TestProjects.Load(AppDb.Replace("POSTGRES_DB: app", "POSTGRES_DB: other"));
        (await PlanTextAsync(changed, engine, new UpOptions { NoRecreate = true })).Should().Be("nothing to do\n");
    }

    [Fact]
    public async Task Healthy_and_completed_conditions_become_waits_that_gate_the_dependent_start()
    {
        var project = TestProjects.Load("""
            services:
              migrate: { image: x }
              db: { image: x, healthcheck: { test: "true" } }
              app:
                image: x
                depends_on:
                  db: { condition: service_healthy }
                  migrate: { condition: service_completed_successfully }
            """);
        var plan = Planner.PlanUp(project, ObservedState.Empty with { Images = project.Services.Values.Select(s => s.Image!).Distinct().ToImmutableSortedDictionary(i => i, _ => (string?)"sha") }, new UpOptions());
        var start = plan.Operations.OfType<StartContainer>().Single(o => o.Name == "demo-app-1");
        start.After.Should().BeEquivalentTo("create:demo-app-1", "wait:demo-db-1:service_healthy", "wait:demo-migrate-1:service_completed_successfully");
        plan.Operations.OfType<WaitContainer>().Should().OnlyContain(w => !w.UsesEngineSlot);
    }

    [Fact]
    public async Task An_optional_dependency_orders_the_start_but_its_failure_only_warns()
    {
        var project = TestProjects.Load("""
            services:
              migrate: { image: x }
              app:
                image: x
                depends_on:
                  migrate: { condition: service_completed_successfully, required: false }
            """);
        var plan = Planner.PlanUp(project, ObservedState.Empty with { Images = ImmutableSortedDictionary<string, string?>.Empty.Add("x", "sha") }, new UpOptions());
        var start = plan.Operations.OfType<StartContainer>().Single(o => o.Name == "demo-app-1");
        start.After.Should().Equal("create:demo-app-1");
        start.SoftAfter.Should().Equal("wait:demo-migrate-1:service_completed_successfully:optional");
        plan.Operations.OfType<WaitContainer>().Single().Required.Should().BeFalse();

        var engine = new FakeEngine { WaitHook = (name, _) => throw new ConditionFailedException(name, "service_completed_successfully", "service \"migrate\" didn't complete successfully: exit 3", 3) };
        var result = await new PlanExecutor(engine).ExecuteAsync(plan, default);
        result.Succeeded.Should().BeTrue();
        result.Warnings.Should().ContainSingle().Which.Should().Contain("exit 3");
        engine.Containers["demo-app-1"].State.Should().Be(ContainerState.Running);
    }

    [Fact]
    public void A_missing_image_is_pulled_first_and_named()
    {
        var project = TestProjects.Load("services:\n  app: { image: nope:1 }\n");
        var plan = Planner.PlanUp(project, ObservedState.Empty, new UpOptions());
        plan.Operations.OfType<PullImage>().Should().ContainSingle().Which.Service.Should().Be("app");
        plan.Operations.OfType<CreateContainer>().Single().After.Should().Contain("pull:nope:1");
    }

    [Fact]
    public void Down_stops_dependents_first_and_removes_networks_after_containers()
    {
        var observed = new ObservedState
        {
            Containers =
            [
                new ObservedContainer { Id = "1", Name = "demo-db-1", Service = "db" },
                new ObservedContainer
                {
                    Id = "2", Name = "demo-app-1", Service = "app",
                    Labels = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add(ComposeLabels.DependsOn, "db:service_started:false"),
                },
            ],
            Networks = [new ObservedNetwork("n", "demo_default", "default")],
            Volumes = [new ObservedVolume("demo_data", "data")],
        };
        var plan = Planner.PlanDown(null, observed, new DownOptions());
        plan.ToString().Should().Be("""
            stop container demo-app-1  (down)
            stop container demo-db-1  (down)
            remove container demo-app-1  (down)
            remove container demo-db-1  (down)
            remove network demo_default  (down)

            """.Replace("\r", ""));
        plan.Operations.OfType<StopContainer>().Single(o => o.Name == "demo-db-1").After.Should().Equal("stop:demo-app-1");
        Planner.PlanDown(null, observed, new DownOptions { RemoveVolumes = true }).ToString().Should().EndWith("remove volume demo_data  (down -v)\n");
    }
}
