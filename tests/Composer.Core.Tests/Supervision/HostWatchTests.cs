using System.Globalization;
using Composer.Core.Engine;
using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Supervision;
using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;
using Microsoft.Extensions.Time.Testing;

namespace Composer.Core.Tests.Supervision;

/// <summary>Issue 13, watch across hosts: what is supervised while a host is gone, failover and the return, on fake engines and fake time.</summary>
public sealed class HostWatchTests
{
    private const string Yaml = LabHosts.Block + """
        services:
          db: { image: x, expose: ["5432"], x-composer: { host: a, failover: [c] } }
          cache: { image: x, x-composer: { host: a } }
          api: { image: x, expose: ["8080"], links: [db], x-composer: { host: b } }
        """;

    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-01T00:00:00Z", CultureInfo.InvariantCulture);
    private static Project Expanded(string yaml = Yaml) => AmbassadorExpansion.Expand(TestProjects.Load(yaml));
    private static readonly Dictionary<string, string> None = [];

    [Fact]
    public void While_a_host_is_gone_its_services_are_left_out_and_nothing_across_hosts_waits_for_them()
    {
        var project = Expanded();
        var view = HostFailover.View(project, new HashSet<string> { "b", "c" }, None);
        view.Services.Keys.Should().BeEquivalentTo("api", "db-import-b");
        view.Services["db-import-b"].DependsOn.Should().BeEmpty("its export on a is gone");
        view.Services["db-import-b"].Environment["AMBASSADOR_TARGET"].Should().Be("10.99.1.11:5432", "db has not failed over");
        HostFailover.ServicesOn(project, "a", None).Should().Equal("cache", "db", "db-export");
    }

    [Fact]
    public void A_failed_over_provider_and_its_export_run_on_the_standby_published_on_its_address()
    {
        var project = Expanded();
        var failedOver = new Dictionary<string, string> { ["db"] = "c", ["db-export"] = "c" };
        var view = HostFailover.View(project, new HashSet<string> { "b", "c" }, failedOver);
        view.Services.Keys.Should().BeEquivalentTo("api", "db", "db-export", "db-import-b");
        view.Services["db"].HostOf().Should().Be("c");
        view.Services["db-export"].HostOf().Should().Be("c");
        view.Services["db-export"].Ports.Should().Equal(new PortBinding(5432, "5432", "10.99.1.13"));
        Placement.Of(view).ServiceHosts["db"].Should().Be("c");
        view.Services["db-import-b"].Environment["AMBASSADOR_TARGET"].Should().Be("10.99.1.13:5432");
        ConfigHash.Compute(view.Services["db-import-b"]).Should().Be(ConfigHash.Compute(project.Services["db-import-b"]), "re-pointed live, never recreated");
        HostFailover.Routes(project, failedOver).Should().Equal(new Dictionary<string, (string, string)> { ["db-import-b"] = ("b", "10.99.1.13:5432") });
        HostFailover.Routes(project, None).Should().BeEmpty("a provider on its own host needs no re-pointing");
        HostFailover.StaleOn("a", failedOver).Should().Equal("db", "db-export");
        HostFailover.StaleOn("c", failedOver).Should().BeEmpty();
    }

    [Fact]
    public void A_failover_falls_due_after_the_grace_period_from_the_last_answer_to_the_first_standby_that_answers()
    {
        var project = Expanded();
        var down = new Dictionary<string, DateTimeOffset> { ["a"] = T0 };
        var reachable = new HashSet<string> { "b", "c" };
        var grace = HostFailover.DefaultGrace;
        HostFailover.Due(project, down, reachable, None, T0 + TimeSpan.FromSeconds(4.9), grace).Should().BeEmpty();
        HostFailover.NextDue(project, down, reachable, None, grace).Should().Be(T0 + TimeSpan.FromSeconds(5));
        HostFailover.Due(project, down, reachable, None, T0 + TimeSpan.FromSeconds(5), grace).Should()
            .Equal(new Dictionary<string, string> { ["db"] = "c", ["db-export"] = "c" }, "cache has no failover list; the export follows db");
        HostFailover.Due(project, down, new HashSet<string> { "b" }, None, T0 + TimeSpan.FromMinutes(1), grace).Should().BeEmpty("the standby is gone too");

        var slow = Expanded(Yaml.Replace("failover: [c]", "failover: [c], failover_grace: 30s"));
        HostFailover.Due(slow, down, reachable, None, T0 + TimeSpan.FromSeconds(29), grace).Should().BeEmpty("the export goes by its provider's grace too");
        HostFailover.Due(slow, down, reachable, None, T0 + TimeSpan.FromSeconds(30), grace).Keys.Should().Equal("db", "db-export");
    }

    [Fact]
    public void A_standby_that_goes_away_in_turn_sends_the_service_home_when_home_answers()
    {
        var project = Expanded();
        var failedOver = new Dictionary<string, string> { ["db"] = "c", ["db-export"] = "c" };
        var due = HostFailover.Due(project, new Dictionary<string, DateTimeOffset> { ["c"] = T0 }, new HashSet<string> { "a", "b" }, failedOver,
            T0 + TimeSpan.FromSeconds(6), HostFailover.DefaultGrace);
        due.Should().Equal(new Dictionary<string, string> { ["db"] = "a", ["db-export"] = "a" });
    }

    /// <summary>A host whose engine answers or not, as the test says: the engine itself is a fake that always would.</summary>
    private sealed class Probe
    {
        public volatile bool Up = true;
        public Task Ping(CancellationToken ct) => Up ? Task.CompletedTask : Task.FromException(new IOException("connection refused"));
    }

    [Fact]
    public async Task A_gone_host_is_reported_its_provider_fails_over_and_on_return_its_stale_copies_are_removed()
    {
        var project = Expanded();
        var engines = FakeHosts.Engines("a", "b", "c");
        var contract = engines.AsPorts();
        var up = new ComposeActions(new HostEngines(contract, Placement.Of(project)), new RecordingOutput(), new CountingLocks());
        (await up.UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None)).Should().Be(UpOutcome.Succeeded);
        engines["a"].Containers.Keys.Should().BeEquivalentTo("demo-db-1", "demo-db-export-1", "demo-cache-1");

        var time = new FakeTimeProvider(T0);
        var probes = new[] { "a", "b", "c" }.ToDictionary(h => h, _ => new Probe());
        var output = new RecordingOutput();
        var watch = new HostWatch(project, contract, output, new SupervisorOptions(), time: time,
            probes: probes.ToDictionary(kv => kv.Key, kv => (Func<CancellationToken, Task>)kv.Value.Ping));
        using var cts = new CancellationTokenSource();
        var running = watch.RunAsync(cts.Token);

        // Fake time moves in small steps; each step lets the probes, the timers and the supervisor run.
        async Task UntilTrue(Func<bool> condition, string what)
        {
            for (var i = 0; i < 600 && !condition(); i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10);
            }
            condition().Should().BeTrue($"{what}; output:\n{string.Join("\n", output.Lines)}");
        }
        Task Until(string text) => UntilTrue(() => output.Lines.Any(l => l.Contains(text, StringComparison.Ordinal)), $"\"{text}\" appears");
        bool Running(string host, string container) => engines[host].Containers.TryGetValue(container, out var c) && c.State == ContainerState.Running;

        await Until("container(s) running");
        probes["a"].Up = false;
        var gone = time.GetUtcNow();
        await Until("host a unreachable");
        (time.GetUtcNow() - gone).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        output.Lines.Should().Contain(l => l.Contains("host a unreachable (connection refused): cache, db, db-export unknown; nothing on a is repaired until it answers"));
        output.Lines.Should().Contain(l => l.Contains("db fails over to c if a does not answer within 5.0 s of its last answer"));
        var callsOnA = engines["a"].Calls.Count;

        await Until("failing over to c");
        await UntilTrue(() => Running("c", "demo-db-1") && Running("c", "demo-db-export-1"), "db and its export run on c");
        engines["c"].Containers.Should().ContainKeys("demo-db-1", "demo-db-export-1");
        engines["c"].Containers["demo-db-1"].State.Should().Be(ContainerState.Running);
        engines["c"].Containers["demo-db-export-1"].Spec.Ports.Should().Contain(p => p.HostIp == "10.99.1.13");
        engines["b"].Containers["demo-api-1"].Id.Should().NotBeNull();
        watch.FailedOver.Should().Equal(new Dictionary<string, string> { ["db"] = "c", ["db-export"] = "c" });
        engines["a"].Calls.Count.Should().Be(callsOnA, "nothing is asked of a host that does not answer");

        probes["a"].Up = true;
        await Until("host a reachable again after");
        await Until("making the project whole");
        await UntilTrue(() => engines["a"].Containers.Count == 1 && output.Lines.Last().Contains("container(s) running", StringComparison.Ordinal), "the resync after the return is done");
        engines["a"].Containers.Keys.Should().Equal(["demo-cache-1"], "the stale db and its export on a are removed: never two copies");
        engines["a"].Containers["demo-cache-1"].State.Should().Be(ContainerState.Running);
        engines["c"].Containers.Keys.Should().Contain("demo-db-1", "db stays where it failed over to");
        output.Lines.Should().Contain(l => l.Contains("removed demo-db-1 from a: db runs on c since its failover"));

        await cts.CancelAsync();
        await running;
    }
}
