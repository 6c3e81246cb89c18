using Composer.Core.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace Composer.Core.Tests.Supervision;

/// <summary>Watch across hosts: when an engine counts as gone, and as back, with fake time and fake probes.</summary>
public class HostHealthTests
{
    /// <summary>A host whose engine answers, refuses, or hangs, as the test says.</summary>
    private sealed class Host
    {
        public volatile string Mode = "up";
        public Task Probe(CancellationToken ct) => Mode switch
        {
            "up" => Task.CompletedTask,
            "hang" => Task.Delay(Timeout.Infinite, ct),
            _ => Task.FromException(new IOException("connection refused")),
        };
    }

    private static (HostHealth Health, FakeTimeProvider Time, List<HostChange> Changes, Dictionary<string, Host> Hosts) Make(params string[] names)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var hosts = names.ToDictionary(n => n, _ => new Host());
        var health = new HostHealth(hosts.ToDictionary(kv => kv.Key, kv => (Func<CancellationToken, Task>)kv.Value.Probe), new HostHealthOptions(), time);
        var changes = new List<HostChange>();
        health.Changed += c => { lock (changes) changes.Add(c); };
        return (health, time, changes, hosts);
    }

    [Fact]
    public async Task A_refusing_engine_is_unreachable_once_its_last_answer_is_old_enough_and_back_at_its_first_answer()
    {
        var (health, time, changes, hosts) = Make("a");
        await health.ProbeOnceAsync("a", CancellationToken.None);
        health.StateOf("a").Should().Be(HostState.Reachable);
        changes.Select(c => c.Line).Should().Equal("host a reachable again");

        hosts["a"].Mode = "refuse";
        time.Advance(TimeSpan.FromSeconds(1));
        await health.ProbeOnceAsync("a", CancellationToken.None);
        health.StateOf("a").Should().Be(HostState.Reachable, "one failure 1 s after an answer is not an outage yet");
        time.Advance(TimeSpan.FromSeconds(1.5));
        await health.ProbeOnceAsync("a", CancellationToken.None);
        health.StateOf("a").Should().Be(HostState.Unreachable);
        changes.Last().Line.Should().Be("host a unreachable (connection refused)");
        health.DownSince("a").Should().Be(time.GetUtcNow() - TimeSpan.FromSeconds(2.5));

        time.Advance(TimeSpan.FromSeconds(1));
        await health.ProbeOnceAsync("a", CancellationToken.None);
        changes.Should().HaveCount(2, "an outage is reported once");

        hosts["a"].Mode = "up";
        time.Advance(TimeSpan.FromSeconds(10));
        await health.ProbeOnceAsync("a", CancellationToken.None);
        health.StateOf("a").Should().Be(HostState.Reachable);
        health.DownSince("a").Should().BeNull();
        changes.Last().Line.Should().Be("host a reachable again after 13.5 s");
    }

    [Fact]
    public async Task A_hanging_engine_fails_its_probe_at_the_probe_timeout()
    {
        var (health, time, changes, hosts) = Make("a");
        await health.ProbeOnceAsync("a", CancellationToken.None);
        hosts["a"].Mode = "hang";
        time.Advance(TimeSpan.FromSeconds(1));
        var probe = health.ProbeOnceAsync("a", CancellationToken.None);
        probe.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(2));
        await probe.WaitAsync(TimeSpan.FromSeconds(10));
        health.StateOf("a").Should().Be(HostState.Unreachable);
        changes.Last().Line.Should().Be("host a unreachable (no answer within 2 s)");
    }

    [Fact]
    public async Task Each_host_is_probed_on_its_own_so_a_hanging_one_delays_no_other_and_is_reported_within_5_seconds()
    {
        var (health, time, changes, hosts) = Make("a", "b");
        using var stop = new CancellationTokenSource();
        var run = health.RunAsync(stop.Token);
        await Until(() => health.StateOf("a") == HostState.Reachable && health.StateOf("b") == HostState.Reachable);
        hosts["a"].Mode = "hang";
        var lost = time.GetUtcNow();
        for (var i = 0; i < 50 && health.StateOf("a") != HostState.Unreachable; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            await Task.Delay(5);
        }
        health.StateOf("a").Should().Be(HostState.Unreachable);
        (time.GetUtcNow() - lost).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        health.StateOf("b").Should().Be(HostState.Reachable);
        health.Reachable.Should().Equal("b");

        hosts["a"].Mode = "up";
        for (var i = 0; i < 50 && health.StateOf("a") != HostState.Reachable; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
        health.StateOf("a").Should().Be(HostState.Reachable);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        lock (changes) changes.Where(c => c.Host == "a").Select(c => c.State).Should().Equal(HostState.Reachable, HostState.Unreachable, HostState.Reachable);
    }

    [Fact]
    public async Task A_reported_failure_probes_at_once_instead_of_at_the_next_tick()
    {
        var (health, time, _, hosts) = Make("a");
        var probes = 0;
        var counting = new HostHealth(new Dictionary<string, Func<CancellationToken, Task>>
        {
            ["a"] = ct => { Interlocked.Increment(ref probes); return hosts["a"].Probe(ct); },
        }, new HostHealthOptions { Interval = TimeSpan.FromHours(1) }, time);
        using var stop = new CancellationTokenSource();
        var run = counting.RunAsync(stop.Token);
        await Until(() => Volatile.Read(ref probes) == 1);
        counting.ReportFailure("a");
        await Until(() => Volatile.Read(ref probes) == 2);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        health.StateOf("a").Should().Be(HostState.Unknown, "never probed");
    }

    private static async Task Until(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not met");
            await Task.Delay(10);
        }
    }
}
