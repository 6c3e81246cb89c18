using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Composer.Core.Supervision;

public enum HostState { Unknown, Reachable, Unreachable }

/// <summary>A host's engine stopped answering, or answers again (then <see cref="DownFor"/> says for how long).</summary>
public sealed record HostChange(string Host, HostState State, DateTimeOffset Time)
{
    public TimeSpan DownFor { get; init; }
    public string? Error { get; init; }

    /// <summary><c>host a unreachable (connection refused)</c>, <c>host a reachable again after 12.3 s</c>.</summary>
    public string Line => State switch
    {
        HostState.Unreachable => $"host {Host} unreachable" + (Error is { Length: > 0 } e ? $" ({e})" : ""),
        _ => $"host {Host} reachable again" + (DownFor > TimeSpan.Zero ? $" after {DownFor.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s" : ""),
    };
}

public sealed record HostHealthOptions
{
    /// <summary>How often each engine is asked (from one probe's start to the next).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long one probe may take before it counts as a failure.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// A host is unreachable once its last answer is this old and its latest probe failed: one slow answer from a
    /// busy engine is not an outage, and an engine that is gone is reported within about this long plus a probe
    /// timeout (under 5 s with the defaults).
    /// </summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(2.5);
}

/// <summary>
/// Watch across hosts: each host's engine is probed on its own schedule, so one that hangs never delays the others.
/// Transitions are reported once each (<see cref="Changed"/>): unreachable when it has not answered for
/// <see cref="HostHealthOptions.DownAfter"/>, reachable again at its first answer. Callers add what they see
/// themselves (<see cref="ReportFailure"/>: a dropped event stream) to speed up the verdict, never to decide it alone.
/// </summary>
public sealed class HostHealth
{
    private readonly ImmutableSortedDictionary<string, Func<CancellationToken, Task>> _probes;
    private readonly HostHealthOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Status> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _wake = new(StringComparer.Ordinal);

    private sealed record Status(HostState State, DateTimeOffset LastAnswer, DateTimeOffset? DownSince, string? LastError);

    public HostHealth(IReadOnlyDictionary<string, Func<CancellationToken, Task>> probes, HostHealthOptions? options = null, TimeProvider? time = null)
    {
        _probes = probes.ToImmutableSortedDictionary(StringComparer.Ordinal);
        _options = options ?? new HostHealthOptions();
        _time = time ?? TimeProvider.System;
        var now = _time.GetUtcNow();
        foreach (var host in _probes.Keys)
        {
            _status[host] = new Status(HostState.Unknown, now, null, null);
            _wake[host] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Raised on every transition, from the probing task of that host.</summary>
    public event Action<HostChange>? Changed;

    public IReadOnlyCollection<string> Hosts => _probes.Keys.ToArray();

    public HostState StateOf(string host) => _status.TryGetValue(host, out var s) ? s.State : HostState.Unknown;

    /// <summary>Since when the host has been unreachable; null while it answers.</summary>
    public DateTimeOffset? DownSince(string host) => _status.TryGetValue(host, out var s) ? s.DownSince : null;

    /// <summary>The hosts that answer now.</summary>
    public IEnumerable<string> Reachable => _status.Where(kv => kv.Value.State == HostState.Reachable).Select(kv => kv.Key).Order(StringComparer.Ordinal);

    /// <summary>Something else failed on this host (its event stream dropped): probe it now instead of at the next tick.</summary>
    public void ReportFailure(string host)
    {
        if (_wake.TryGetValue(host, out var wake)) wake.TrySetResult();
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_probes.Keys.Select(host => ProbeLoopAsync(host, cancellationToken)));

    private async Task ProbeLoopAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var started = _time.GetUtcNow();
                await ProbeOnceAsync(host, cancellationToken).ConfigureAwait(false);
                var left = _options.Interval - (_time.GetUtcNow() - started);
                if (left <= TimeSpan.Zero) continue;
                var wake = _wake[host] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(left, _time, tick.Token);
                await Task.WhenAny(delay, wake.Task).ConfigureAwait(false);
                await tick.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    /// <summary>One probe and its verdict (public for tests that drive time themselves).</summary>
    public async Task ProbeOnceAsync(string host, CancellationToken cancellationToken)
    {
        string? error = null;
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bounded.CancelAfter(_options.ProbeTimeout);
            try
            {
                await _probes[host](bounded.Token).WaitAsync(_options.ProbeTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                error = $"no answer within {_options.ProbeTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s";
            }
            catch (Exception e)
            {
                error = e.Message;
            }
        }
        var now = _time.GetUtcNow();
        HostChange? change = null;
        _status.AddOrUpdate(host, _ => throw new InvalidOperationException($"unknown host {host}"), (_, s) =>
        {
            change = null;
            if (error is null)
            {
                if (s.State != HostState.Reachable)
                    change = new HostChange(host, HostState.Reachable, now) { DownFor = s.DownSince is { } d ? now - d : TimeSpan.Zero };
                return new Status(HostState.Reachable, now, null, null);
            }
            if (s.State != HostState.Unreachable && now - s.LastAnswer >= _options.DownAfter)
            {
                change = new HostChange(host, HostState.Unreachable, now) { Error = error };
                return new Status(HostState.Unreachable, s.LastAnswer, s.LastAnswer, error);
            }
            return s with { LastError = error };
        });
        if (change is not null) Changed?.Invoke(change);
    }
}
