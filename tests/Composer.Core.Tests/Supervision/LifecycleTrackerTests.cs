using Composer.Core.Engine;
using Composer.Core.Supervision;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Supervision;

public class LifecycleTrackerTests
{
    private static EngineEvent E(string action, int? exit = null) =>
        new(DateTimeOffset.UnixEpoch, action, "c1", "demo-db-1", "db", 1) { ExitCode = exit };

    private static List<Verdict> Run(params EngineEvent[] events)
    {
        var tracker = new LifecycleTracker();
        return events.Select(tracker.Observe).ToList();
    }

    [Fact]
    public void A_lone_die_is_a_crash()
    {
        Run(E("start"), E("die", 137)).Last().Should().Be(new Verdict.Incident(IncidentKind.Crashed, 137));
    }

    [Fact]
    public void The_stop_api_and_the_kill_api_are_intentional()
    {
        Run(E("start"), E("kill"), E("die", 143), E("stop")).Should().AllSatisfy(v => v.Should().NotBeOfType<Verdict.Incident>());
        Run(E("start"), E("kill"), E("die", 137)).Last().Should().BeOfType<Verdict.Nothing>();
    }

    [Fact]
    public void Removing_a_running_container_is_an_incident_but_stop_then_remove_is_not()
    {
        Run(E("start"), E("kill"), E("die", 137), E("destroy")).Last().Should().Be(new Verdict.Incident(IncidentKind.Removed, null));
        Run(E("start"), E("kill"), E("die", 143), E("stop"), E("destroy")).Last().Should().BeOfType<Verdict.Nothing>();
    }

    [Fact]
    public void A_restart_clears_what_came_before_and_unhealthy_is_an_incident()
    {
        Run(E("start"), E("kill"), E("die"), E("start"), E("die", 1)).Last().Should().Be(new Verdict.Incident(IncidentKind.Crashed, 1));
        Run(E("start"), E("health_status: unhealthy")).Last().Should().Be(new Verdict.Incident(IncidentKind.Unhealthy, null));
    }

    [Fact]
    public void One_off_containers_are_never_supervised()
    {
        new LifecycleTracker().Observe(E("die", 1) with { IsOneOff = true }).Should().BeOfType<Verdict.Nothing>();
    }
}

public class RestartBackoffTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Delays_start_at_100ms_double_and_stop_at_the_cap()
    {
        var backoff = new RestartBackoff(new BackoffOptions());
        var delays = Enumerable.Range(0, 12).Select(i => backoff.OnIncident(T0 + TimeSpan.FromSeconds(i))).ToList();
        delays.Take(5).Should().Equal(
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400),
            TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600));
        delays.Skip(9).Should().AllSatisfy(d => d.Should().Be(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Stable_running_resets_the_backoff()
    {
        var backoff = new RestartBackoff(new BackoffOptions());
        backoff.OnIncident(T0);
        backoff.OnIncident(T0 + TimeSpan.FromSeconds(1)).Should().Be(TimeSpan.FromMilliseconds(200));
        backoff.MarkRunning(T0 + TimeSpan.FromSeconds(2));
        backoff.OnIncident(T0 + TimeSpan.FromSeconds(13)).Should().Be(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_removal_is_undone_at_once_the_first_time_and_backs_off_when_it_repeats()
    {
        var backoff = new RestartBackoff(new BackoffOptions());
        backoff.OnIncident(T0, immediateFirst: true).Should().Be(TimeSpan.Zero);
        backoff.OnIncident(T0 + TimeSpan.FromSeconds(1), immediateFirst: true).Should().Be(TimeSpan.FromMilliseconds(200));
        backoff.Restarts.Should().Be(2);
    }

    [Fact]
    public void Repeated_incidents_within_the_window_mark_a_crash_loop()
    {
        var backoff = new RestartBackoff(new BackoffOptions { CrashLoopThreshold = 3, CrashLoopWindow = TimeSpan.FromMinutes(1) });
        backoff.OnIncident(T0);
        backoff.OnIncident(T0 + TimeSpan.FromSeconds(5));
        backoff.CrashLooping.Should().BeFalse();
        backoff.OnIncident(T0 + TimeSpan.FromSeconds(10));
        backoff.CrashLooping.Should().BeTrue();
        backoff.OnIncident(T0 + TimeSpan.FromMinutes(10));
        backoff.CrashLooping.Should().BeFalse("old incidents leave the window");
    }

    [Fact]
    public void Per_service_overrides_come_from_x_composer()
    {
        var options = new BackoffOptions().WithOverrides(new Dictionary<string, string> { ["restart_backoff_cap"] = "2s", ["restart_backoff_initial"] = "50ms" });
        options.Cap.Should().Be(TimeSpan.FromSeconds(2));
        options.Initial.Should().Be(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void The_nested_restart_backoff_block_the_readme_documents_is_read_and_the_flat_keys_still_are()
    {
        var project = TestProjects.Load("""
            services:
              nested: { image: x, x-composer: { restart_backoff: { initial: 50ms, cap: 5s, stable_after: 20s } } }
              flat: { image: x, x-composer: { restart_backoff_initial: 70ms } }
            """);
        var nested = new BackoffOptions().WithOverrides(project.Services["nested"].Extensions);
        nested.Initial.Should().Be(TimeSpan.FromMilliseconds(50));
        nested.Cap.Should().Be(TimeSpan.FromSeconds(5));
        nested.StableAfter.Should().Be(TimeSpan.FromSeconds(20));
        new BackoffOptions().WithOverrides(project.Services["flat"].Extensions).Initial.Should().Be(TimeSpan.FromMilliseconds(70));
    }
}
