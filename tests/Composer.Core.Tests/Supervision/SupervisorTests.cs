using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Supervision;
using Composer.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Composer.Core.Tests.Supervision;

public class SupervisorTests
{
    private const string Yaml = """
        services:
          db: { image: x }
          app: { image: x, links: ["db:database"] }
          web: { image: x, depends_on: [db] }
          sidecar: { image: x, network_mode: "service:db" }
        """;

    private sealed class Events : IEventSource
    {
        public Channel<EngineEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<EngineEvent>();
        public int Subscriptions;

        public async IAsyncEnumerable<EngineEvent> StreamAsync(string project, DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
        {
            Interlocked.Increment(ref Subscriptions);
            await foreach (var e in Channel.Reader.ReadAllAsync(ct)) yield return e;
        }
    }

    private sealed class Output : IWatchOutput
    {
        public Channel<IncidentReport> Reports { get; } = Channel.CreateUnbounded<IncidentReport>();
        public List<string> Infos { get; } = [];
        public void Incident(IncidentReport report) => Reports.Writer.TryWrite(report);
        public void Info(string message) { lock (Infos) Infos.Add(message); }
        public FakeTimeProvider Time { get; } = new();

        public async Task<IncidentReport> NextAsync()
        {
            await UntilAsync(Time, () => Reports.Reader.TryPeek(out _), "an incident report");
            return await Reports.Reader.ReadAsync();
        }
    }

    /// <summary>
    /// The supervisor runs on a fake clock: advance it in small steps (its back-offs, polls and reconnect delays
    /// elapse) until the condition holds; fail after 30 s of real time rather than hang.
    /// </summary>
    private static async Task UntilAsync(FakeTimeProvider time, Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"still waiting for {what} after 30 s");
            time.Advance(TimeSpan.FromMilliseconds(25));
            await Task.Delay(TimeSpan.FromMilliseconds(2));
        }
    }

    private static async Task<(FakeEngine Engine, Events Events, Output Output, Task Run, CancellationTokenSource Stop)> StartAsync(string yaml = Yaml, Action<FakeEngine>? setUp = null)
    {
        var project = TestProjects.Load(yaml);
        var engine = new FakeEngine();
        setUp?.Invoke(engine);
        var events = new Events();
        var output = new Output();
        var stop = new CancellationTokenSource();
        var supervisor = new Supervisor(project, engine, events, output, new SupervisorOptions { Backoff = new BackoffOptions { Initial = TimeSpan.Zero } }, output.Time);
        var run = supervisor.RunAsync(stop.Token);
        // The first resync brings the whole project up.
        await UntilAsync(output.Time, () => engine.Containers.Count >= project.Services.Count && events.Subscriptions > 0, "the first resync");
        return (engine, events, output, run, stop);
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static EngineEvent Die(FakeEngine engine, string name, int exit = 137)
    {
        var c = engine.Containers[name];
        engine.Containers[name] = c with { State = ContainerState.Exited };
        return new EngineEvent(DateTimeOffset.UtcNow, "die", c.Id, name, c.Spec.Service, c.Spec.Number) { ExitCode = exit };
    }

    [Fact]
    public async Task A_crashed_backend_is_restarted_and_its_link_and_namespace_dependents_relinked_but_name_users_left_alone()
    {
        var (engine, events, output, run, stop) = await StartAsync();
        var webId = engine.Containers["demo-web-1"].Id;
        var appId = engine.Containers["demo-app-1"].Id;
        await events.Channel.Writer.WriteAsync(Die(engine, "demo-db-1"));

        var report = await output.NextAsync();
        report.Container.Should().Be("demo-db-1");
        report.Kind.Should().Be(IncidentKind.Crashed);
        report.ExitCode.Should().Be(137);
        report.Outcome.Should().Be("restarted");
        report.Relinked.Should().Equal("demo-app-1", "demo-sidecar-1");
        report.VerifiedByName.Should().Equal("demo-web-1");
        engine.Containers["demo-db-1"].State.Should().Be(ContainerState.Running);
        engine.Containers["demo-app-1"].Id.Should().NotBe(appId, "the consumer was recreated with the new address");
        engine.Containers["demo-web-1"].Id.Should().Be(webId, "a name-only dependent is left alone");
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_container_list_that_lags_the_die_event_is_not_taken_for_a_comeback()
    {
        var (engine, events, output, run, stop) = await StartAsync();
        var c = engine.Containers["demo-db-1"];
        // The event arrives while the list still says "running"; the list catches up a few looks later.
        engine.ReportRunningFor["demo-db-1"] = 3;
        await events.Channel.Writer.WriteAsync(Die(engine, "demo-db-1"));

        var report = await output.NextAsync();
        report.Outcome.Should().Be("restarted");
        engine.Calls.Count(call => call == "start container demo-db-1").Should().Be(2, "the first up, then the supervisor");
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_name_user_on_no_network_of_the_target_is_not_reported_verified()
    {
        var (engine, events, output, run, stop) = await StartAsync("""
            services:
              db: { image: x, networks: [back] }
              web: { image: x, depends_on: [db], networks: [front] }
            networks:
              back:
              front:
            """);
        await events.Channel.Writer.WriteAsync(Die(engine, "demo-db-1"));
        var report = await output.NextAsync();
        report.Outcome.Should().Be("restarted");
        report.VerifiedByName.Should().BeEmpty();
        lock (output.Infos) output.Infos.Should().Contain(i => i.Contains("demo-web-1 shares no network on which db has an address"));
        await StopAsync(stop, run);
    }

    /// <summary>What <c>docker rm -f</c> does: the container is gone, and the engine says kill, die, destroy.</summary>
    private static async Task RemoveForcedAsync(FakeEngine engine, Events events, FakeEngine.Container c)
    {
        engine.Containers.TryRemove(c.Spec.Name, out _);
        foreach (var action in new[] { "kill", "die", "destroy" })
            await events.Channel.Writer.WriteAsync(new EngineEvent(DateTimeOffset.UtcNow, action, c.Id, c.Spec.Name, c.Spec.Service, c.Spec.Number) { ExitCode = action == "die" ? 137 : null });
    }

    [Fact]
    public async Task A_removed_container_is_recreated_from_the_model()
    {
        var (engine, events, output, run, stop) = await StartAsync();
        var c = engine.Containers["demo-web-1"];
        await RemoveForcedAsync(engine, events, c);

        var report = await output.NextAsync();
        report.Kind.Should().Be(IncidentKind.Removed);
        report.Outcome.Should().Be("recreated");
        engine.Containers["demo-web-1"].State.Should().Be(ContainerState.Running);
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_removed_link_target_and_its_consumers_are_repaired_in_one_plan_without_listing_between_the_target_s_start_and_their_creates()
    {
        var (engine, events, output, run, stop) = await StartAsync();
        var c = engine.Containers["demo-db-1"];
        var appId = engine.Containers["demo-app-1"].Id;
        engine.LogObservations = true;
        engine.Calls.Clear();
        await RemoveForcedAsync(engine, events, c);

        var report = await output.NextAsync();
        report.Kind.Should().Be(IncidentKind.Removed);
        report.Outcome.Should().Be("recreated");
        report.Relinked.Should().Equal("demo-app-1", "demo-sidecar-1");
        report.VerifiedByName.Should().Equal("demo-web-1");
        engine.Containers["demo-app-1"].Id.Should().NotBe(appId);
        engine.Containers["demo-app-1"].State.Should().Be(ContainerState.Running);
        var calls = engine.Calls.ToList();
        var dbStart = calls.IndexOf("start container demo-db-1");
        var appCreate = calls.IndexOf("create container demo-app-1");
        dbStart.Should().BeGreaterThan(-1, string.Join("\n", calls));
        appCreate.Should().BeGreaterThan(dbStart, string.Join("\n", calls));
        calls.Take(dbStart).Should().ContainSingle(x => x == "observe", "one listing before the repair: " + string.Join("\n", calls));
        calls.Skip(dbStart).Take(appCreate - dbStart).Should().NotContain("observe", "the consumer's replacement is created from what is known: " + string.Join("\n", calls));
        await StopAsync(stop, run);
    }

    /// <summary>The default project and six services unrelated to it: big enough that a repair lists only what it reads.</summary>
    private const string LargerYaml = Yaml + """

          other1: { image: x }
          other2: { image: x }
          other3: { image: x }
          other4: { image: x }
          other5: { image: x }
          other6: { image: x }
        """;

    [Fact]
    public async Task A_crash_in_a_larger_project_lists_only_the_crashed_service_and_its_neighbours()
    {
        var (engine, events, output, run, stop) = await StartAsync(LargerYaml);
        engine.LogObservations = true;
        engine.Calls.Clear();
        await events.Channel.Writer.WriteAsync(Die(engine, "demo-web-1"));

        var report = await output.NextAsync();
        report.Outcome.Should().Be("restarted");
        engine.Containers["demo-web-1"].State.Should().Be(ContainerState.Running);
        var observations = engine.Calls.Where(c => c.StartsWith("observe", StringComparison.Ordinal)).ToList();
        observations.Should().NotBeEmpty().And.OnlyContain(c => c == "observe db,web", "web and what it depends on are all a restart reads: " + string.Join("\n", engine.Calls));
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_relink_in_a_larger_project_reads_the_whole_project_before_recreating_dependents()
    {
        var (engine, events, output, run, stop) = await StartAsync(LargerYaml);
        var appId = engine.Containers["demo-app-1"].Id;
        engine.LogObservations = true;
        engine.Calls.Clear();
        await events.Channel.Writer.WriteAsync(Die(engine, "demo-db-1"));

        var report = await output.NextAsync();
        report.Outcome.Should().Be("restarted");
        report.Relinked.Should().Equal("demo-app-1", "demo-sidecar-1");
        report.VerifiedByName.Should().Equal("demo-web-1");
        engine.Containers["demo-app-1"].Id.Should().NotBe(appId);
        var calls = engine.Calls.ToList();
        var firstRecreate = calls.FindIndex(c => c.StartsWith("create container", StringComparison.Ordinal));
        calls.IndexOf("observe app,db,sidecar,web").Should().BeGreaterThan(-1, "the restart lists db and its neighbours: " + string.Join("\n", calls));
        calls.Take(firstRecreate).Should().Contain("observe", "the relink plan reaches dependents of dependents: " + string.Join("\n", calls));
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_restart_policy_restart_is_not_doubled_but_still_relinks()
    {
        var (engine, events, output, run, stop) = await StartAsync(Yaml.Replace("db: { image: x }", "db: { image: x, restart: always }"));
        var die = Die(engine, "demo-db-1");
        await events.Channel.Writer.WriteAsync(die);
        // The engine restarts it by itself.
        await engine.StartContainerAsync("demo-db-1", default);
        await events.Channel.Writer.WriteAsync(die with { Action = "start", ExitCode = null });

        var report = await output.NextAsync();
        report.Outcome.Should().Be("restarted by its restart policy");
        report.Relinked.Should().Contain("demo-app-1");
        engine.Calls.Count(c => c == "start container demo-db-1").Should().Be(2, "one start by the first up, one by the 'engine' in this test, none by the supervisor");
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_dropped_event_stream_is_reconnected_and_resynced()
    {
        var (engine, events, output, run, stop) = await StartAsync();
        // The engine "restarts": containers are gone and the stream ends.
        engine.Containers.Clear();
        events.Channel.Writer.Complete(new IOException("connection reset"));
        await UntilAsync(output.Time, () => engine.Containers.Count == 4 && engine.Containers.Values.All(c => c.State == ContainerState.Running), "the resync after reconnecting");
        engine.Containers.Values.Should().OnlyContain(c => c.State == ContainerState.Running);
        engine.Containers.Keys.Should().BeEquivalentTo("demo-db-1", "demo-app-1", "demo-web-1", "demo-sidecar-1");
        lock (output.Infos) output.Infos.Should().Contain(i => i.Contains("reconnecting"));
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_built_image_s_id_stays_on_the_container_watch_recreates()
    {
        var (engine, events, output, run, stop) = await StartAsync("services:\n  app: { build: ./app }\n", e => e.Images["demo-app"] = "sha256:app1");
        engine.Containers["demo-app-1"].Spec.Labels.Should().Contain(ComposeLabels.Image, "sha256:app1");
        var c = engine.Containers["demo-app-1"];
        engine.Containers.TryRemove("demo-app-1", out _);
        await events.Channel.Writer.WriteAsync(new EngineEvent(DateTimeOffset.UtcNow, "destroy", c.Id, c.Spec.Name, "app", 1));

        (await output.NextAsync()).Outcome.Should().Be("recreated");
        engine.Containers["demo-app-1"].Spec.Labels.Should().Contain(ComposeLabels.Image, "sha256:app1", "watch observes images as up does, built ones included");
        await StopAsync(stop, run);
    }
}
