using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.UseCases;

/// <summary>Every use case on the fake engine: what it asks the engine, in which order, and what it reports.</summary>
public class ComposeActionsTests
{
    private const string Yaml = """
        services:
          db: { image: x }
          app: { image: x, depends_on: [db] }
          web: { image: x, depends_on: [app] }
        """;

    private readonly FakeEngine _engine = new();
    private readonly RecordingOutput _output = new();
    private readonly CountingLocks _locks = new();

    private ComposeActions Actions() => new(_engine, _output, _locks);

    private static Project Load(string yaml = Yaml) => TestProjects.Load(yaml);

    private async Task<Project> UpAsync(string yaml = Yaml)
    {
        var project = Load(yaml);
        (await Actions().UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        _engine.Calls.Clear();
        return project;
    }

    private string[] Calls(string prefix) => [.. _engine.Calls.Where(c => c.StartsWith(prefix, StringComparison.Ordinal))];

    [Fact]
    public async Task Up_creates_and_starts_dependencies_first_under_the_project_lock()
    {
        var outcome = await Actions().UpAsync(new UpRequest(Load(), new UpOptions()), CancellationToken.None);

        outcome.Should().Be(UpOutcome.Succeeded);
        Calls("start").Should().Equal("start container demo-db-1", "start container demo-app-1", "start container demo-web-1");
        _locks.Taken["demo"].Should().Be(1);
        _output.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Up_builds_missing_images_first_and_labels_containers_with_the_built_id()
    {
        var project = Load("services:\n  app: { build: ./app }\n");
        (await Actions().UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);

        _engine.Calls.First().Should().Be("build image demo-app");
        _engine.Containers["demo-app-1"].Spec.Labels[ComposeLabels.Image].Should().Be("sha256:built-demo-app");
    }

    [Fact]
    public async Task Up_reports_a_failed_operation_by_service_and_fails()
    {
        _engine.Failures["start container demo-db-1"] = "boom";
        var outcome = await Actions().UpAsync(new UpRequest(Load(), new UpOptions()), CancellationToken.None);

        outcome.Should().Be(UpOutcome.Failed);
        _output.Errors.Should().Contain("ERROR service \"db\": boom").And.Contain(e => e.Contains("not started because a dependency failed: app, web", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_on_attached_up_stops_dependents_before_their_dependencies()
    {
        var project = Load();
        _engine.LogLines["demo-db-1"] = ["ready"];
        using var interrupt = new CancellationTokenSource();
        var up = Actions().UpAsync(new UpRequest(project, new UpOptions()) { Attach = true }, interrupt.Token);
        await _output.SeenAsync("LOG demo-db-1 ready");
        _engine.Calls.Clear();

        await interrupt.CancelAsync();

        (await up.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(UpOutcome.Interrupted);
        Calls("stop").Should().Equal("stop container demo-web-1", "stop container demo-app-1", "stop container demo-db-1");
        _output.Lines.Should().Contain("INFO Attaching to demo-app-1, demo-db-1, demo-web-1");
    }

    [Fact]
    public async Task Up_wait_waits_for_every_replica_running()
    {
        (await Actions().UpAsync(new UpRequest(Load(), new UpOptions()) { Wait = true }, CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        Calls("wait").Should().HaveCount(3).And.OnlyContain(c => c.EndsWith($"({WaitConditions.RunningOrHealthy})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_stops_dependents_first_and_start_brings_them_back_in_dependency_order()
    {
        var project = await UpAsync();
        var target = ProjectTarget.Of(project);

        (await Actions().StopAsync(new StopRequest(target, [], null), CancellationToken.None)).Should().BeTrue();
        Calls("stop").Should().Equal("stop container demo-web-1", "stop container demo-app-1", "stop container demo-db-1");

        _engine.Calls.Clear();
        (await Actions().StartAsync(new ServicesRequest(target, []), CancellationToken.None)).Should().BeTrue();
        Calls("start").Should().Equal("start container demo-db-1", "start container demo-app-1", "start container demo-web-1");
        _locks.Taken["demo"].Should().Be(3, "up, stop and start each change the project under its lock");
    }

    [Fact]
    public async Task Restart_restarts_dependencies_first()
    {
        var project = await UpAsync();
        (await Actions().RestartAsync(new StopRequest(ProjectTarget.Of(project), [], null), CancellationToken.None)).Should().BeTrue();
        Calls("restart").Should().Equal("restart container demo-db-1", "restart container demo-app-1", "restart container demo-web-1");
    }

    [Fact]
    public async Task Kill_with_remove_orphans_removes_the_containers_of_services_the_file_no_longer_has()
    {
        await UpAsync();
        var smaller = Load("services:\n  db: { image: x }\n  app: { image: x, depends_on: [db] }\n");

        (await Actions().KillAsync(new KillRequest(ProjectTarget.Of(smaller), [], "SIGKILL", RemoveOrphans: false), CancellationToken.None)).Should().BeTrue();
        _engine.Containers.Should().ContainKey("demo-web-1", "without --remove-orphans an orphan is only killed");

        (await Actions().KillAsync(new KillRequest(ProjectTarget.Of(smaller), [], "SIGKILL", RemoveOrphans: true), CancellationToken.None)).Should().BeTrue();
        _engine.Containers.Should().NotContainKey("demo-web-1");
        _engine.Containers.Should().ContainKeys("demo-db-1", "demo-app-1");
    }

    [Fact]
    public async Task Rm_removes_only_what_the_user_confirms()
    {
        var project = await UpAsync();
        var target = ProjectTarget.Of(project);
        await Actions().StopAsync(new StopRequest(target, ["web"], null), CancellationToken.None);

        IReadOnlyList<string>? asked = null;
        (await Actions().RemoveAsync(new RemoveRequest(target, [], Stop: false, RemoveAnonymousVolumes: false, names => { asked = names; return false; }), CancellationToken.None)).Should().BeTrue();
        asked.Should().Equal("demo-web-1");
        _engine.Containers.Should().ContainKey("demo-web-1");

        (await Actions().RemoveAsync(new RemoveRequest(target, [], Stop: false, RemoveAnonymousVolumes: false, _ => true), CancellationToken.None)).Should().BeTrue();
        _engine.Containers.Should().NotContainKey("demo-web-1").And.ContainKey("demo-db-1");
    }

    [Fact]
    public async Task Rm_with_nothing_stopped_says_so()
    {
        var project = await UpAsync();
        (await Actions().RemoveAsync(new RemoveRequest(ProjectTarget.Of(project), [], false, false, _ => throw new InvalidOperationException("nothing to confirm")), CancellationToken.None)).Should().BeTrue();
        _output.Lines.Should().Contain("INFO No stopped containers");
    }

    [Fact]
    public async Task Down_without_a_file_removes_everything_labelled_with_the_project()
    {
        await UpAsync();
        (await Actions().DownAsync(new DownRequest(new ProjectTarget("demo", null), new DownOptions()), CancellationToken.None)).Should().BeTrue();
        _engine.Containers.Should().BeEmpty();
        _engine.Networks.Should().BeEmpty();
        Calls("stop").First().Should().Be("stop container demo-web-1");
    }

    [Fact]
    public async Task Run_brings_dependencies_up_then_attaches_a_one_off_and_removes_it_with_rm()
    {
        var project = Load();
        _engine.RunExitCode = 3;
        var request = new RunRequest(project, "web", new OneOffOptions { Command = ["true"] }, new AttachMode(false, false)) { Remove = true };

        var result = await Actions().RunAsync(request, new NoTerminal(), CancellationToken.None);

        result.ExitCode.Should().Be(3);
        result.Container.Should().StartWith("demo-web-run-");
        _engine.Containers.Keys.Should().BeEquivalentTo(["demo-db-1", "demo-app-1"], "the service's own containers are not up's, and --rm removed the one-off");
        _engine.Calls.Should().Contain($"attach {result.Container}");
    }

    [Fact]
    public async Task Run_detached_names_the_started_container()
    {
        var project = Load();
        var result = await Actions().RunAsync(new RunRequest(project, "db", new OneOffOptions { Detach = true }, new AttachMode(false, false)), new NoTerminal(), CancellationToken.None);
        result.ExitCode.Should().BeNull();
        _engine.Containers[result.Container!].State.Should().Be(ContainerState.Running);
    }

    [Fact]
    public async Task Exec_runs_in_the_replica_asked_for_and_reports_a_container_not_running()
    {
        var project = await UpAsync();
        _engine.ExecExitCode = 7;
        var exec = new ExecRequest(["ls"]);
        (await Actions().ExecAsync(new ExecServiceRequest(ProjectTarget.Of(project), "app", 1, exec, new AttachMode(false, false)), new NoTerminal(), CancellationToken.None)).Should().Be(7);
        _engine.Calls.Should().Contain("exec demo-app-1 ls");
        (await Actions().ExecAsync(new ExecServiceRequest(ProjectTarget.Of(project), "app", 2, exec, new AttachMode(false, false)), new NoTerminal(), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Logs_ps_top_images_port_and_endpoints_read_the_project_as_the_engine_has_it()
    {
        var project = await UpAsync("services:\n  db: { image: x, ports: [\"8080:80\"] }\n  app: { image: x }\n");
        var target = ProjectTarget.Of(project);
        _engine.LogLines["demo-db-1"] = ["one", "two"];
        var actions = Actions();

        var logs = await actions.LogsAsync(new LogsRequest("demo", ["db"], Follow: false, Tail: null, Timestamps: false), CancellationToken.None);
        logs.Containers.Select(c => c.Name).Should().Equal("demo-db-1");
        (await logs.Lines.Select(l => l.Text).ToListAsync()).Should().Equal("one", "two");

        await actions.StopAsync(new StopRequest(target, ["app"], null), CancellationToken.None);
        (await actions.PsAsync(new PsRequest("demo", []), CancellationToken.None)).Select(c => c.Name).Should().Equal("demo-db-1");
        (await actions.PsAsync(new PsRequest("demo", []) { All = true }, CancellationToken.None)).Select(c => c.Name).Should().Equal("demo-app-1", "demo-db-1");
        (await actions.PsAsync(new PsRequest("demo", []) { States = [ContainerState.Exited] }, CancellationToken.None)).Select(c => c.Name).Should().Equal("demo-app-1");

        (await actions.TopAsync(new ServicesRequest(target, []), CancellationToken.None)).Select(t => t.Container.Name).Should().Equal("demo-db-1");
        (await actions.ImagesAsync(new ServicesRequest(target, ["db"]), CancellationToken.None)).Should().Equal(new ImageRow("demo-db-1", "x", "latest", "x1", 1000));
        (await actions.PortAsync(new PortRequest("demo", "db", 1, 80, "tcp"), CancellationToken.None)).Should().Be("0.0.0.0:8080");
        await actions.Invoking(a => a.PortAsync(new PortRequest("demo", "db", 1, 81, "tcp"), CancellationToken.None)).Should().ThrowAsync<EngineException>();
        (await actions.EndpointsAsync(new ServicesRequest(target, []), CancellationToken.None)).Select(r => r.Container.Name).Should().Equal("demo-app-1", "demo-db-1");
        (await actions.ListProjectsAsync(all: false, CancellationToken.None)).Should().ContainSingle(p => p.Name == "demo" && p.Status == "exited(1), running(1)");
    }

    [Fact]
    public async Task Events_are_the_named_services_only()
    {
        await UpAsync();
        _engine.Events.Writer.TryWrite(new EngineEvent(DateTimeOffset.UnixEpoch, "die", "id1", "demo-db-1", "db", 1));
        _engine.Events.Writer.TryWrite(new EngineEvent(DateTimeOffset.UnixEpoch, "die", "id2", "demo-app-1", "app", 1));
        _engine.Events.Writer.Complete();
        var seen = await Actions().EventsAsync(new ServicesRequest(new ProjectTarget("demo", null), ["app"]), CancellationToken.None).ToListAsync();
        seen.Select(e => e.ContainerName).Should().Equal("demo-app-1");
    }

    [Fact]
    public async Task Plan_shows_the_changed_fields_of_a_recreate_and_changes_nothing()
    {
        await UpAsync();
        var changed = Load(Yaml.Replace("web: { image: x,", "web: { image: x, environment: [A=1],", StringComparison.Ordinal));

        var preview = await Actions().PlanAsync(new PlanRequest(changed, new UpOptions()), CancellationToken.None);

        preview.Plan.Operations.OfType<CreateContainer>().Single().ConfigurationChanged.Should().BeTrue();
        preview.ChangedFields["demo-web-1"].Should().Contain("environment");
        Calls("").Should().BeEmpty("a plan only observes");
    }

    [Fact]
    public async Task Build_builds_each_service_with_a_build_section_and_says_when_there_is_none()
    {
        (await Actions().BuildAsync(new ServicesRequest(ProjectTarget.Of(Load("services:\n  app: { build: ./app }\n  db: { image: x }\n")), []), CancellationToken.None)).Should().BeTrue();
        _engine.Calls.Should().Equal("build image demo-app");

        (await Actions().BuildAsync(new ServicesRequest(ProjectTarget.Of(Load()), []), CancellationToken.None)).Should().BeTrue();
        _output.Lines.Should().Contain("INFO No service has a build section: nothing to build");
    }

    [Fact]
    public async Task Pull_pulls_each_image_once_and_returns_what_failed()
    {
        var failures = await Actions().PullAsync(new PullRequest(Load("services:\n  a: { image: nope }\n  b: { image: nope }\n"), []), CancellationToken.None);
        _engine.Calls.Should().Equal("pull image nope");
        failures.Should().ContainSingle().Which.Should().Be(new PullFailure("a", "nope", "no registry in tests", Offline: false));
    }

    [Fact]
    public async Task A_second_watcher_of_one_project_is_refused()
    {
        var project = Load();
        using var stop = new CancellationTokenSource();
        var first = Actions().WatchAsync(new WatchRequest(project), stop.Token);
        await _output.SeenAsync("watching project demo");

        (await Actions().WatchAsync(new WatchRequest(project), CancellationToken.None)).Should().BeFalse();
        _output.Errors.Should().Contain(e => e.Contains("another composer is already watching project \"demo\" (memory:demo.watch)", StringComparison.Ordinal));

        await stop.CancelAsync();
        (await first.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue();
    }

    private sealed class NoTerminal : IProcessAttach
    {
        public Task<long> AttachAsync(AttachMode mode, Func<ProcessStreams, Task<long>> body) =>
            body(new ProcessStreams { Stdout = Stream.Null, Stderr = Stream.Null });
    }
}
