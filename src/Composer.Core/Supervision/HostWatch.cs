using System.Collections.Concurrent;
using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Supervision;

public sealed record HostWatchOptions
{
    public HostHealthOptions Health { get; init; } = new();
    /// <summary>For services without <c>x-composer.failover_grace</c>.</summary>
    public TimeSpan FailoverGrace { get; init; } = HostFailover.DefaultGrace;
}

/// <summary>
/// <c>composer watch</c> on a project that spans hosts. Every engine is probed (<see cref="HostHealth"/>); the
/// <see cref="Supervisor"/> runs over the engines that answer (their merged event stream, crash repair and relinking
/// routed to each container's host), on the <see cref="HostFailover.View"/> of the project. When a host stops
/// answering it is reported with the services now unknown, and left alone; a service with a failover list moves to
/// a standby once its grace period is over, and the import ambassadors of other hosts are re-pointed to it live.
/// When a host answers again, the copies it still has of services that failed over are removed (the service stays
/// where it runs now: moving it back would interrupt it a second time), and the project is made whole again.
/// Each change of hosts starts a new supervisor, whose resync does the making whole.
/// </summary>
public sealed class HostWatch
{
    private readonly Project _project;
    private readonly ImmutableSortedDictionary<string, IContainerEngine> _engines;
    private readonly IEngineTransfer? _imageSource;
    private readonly IWatchOutput _output;
    private readonly SupervisorOptions _supervisor;
    private readonly HostWatchOptions _options;
    private readonly TimeProvider _time;
    private readonly ImmutableSortedDictionary<string, Func<CancellationToken, Task>> _probes;
    private readonly ConcurrentQueue<HostChange> _changes = new();
    /// <summary>The changes that matter, taken from <see cref="_changes"/> by the watch loop alone.</summary>
    private readonly List<HostChange> _pending = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Dictionary<string, DateTimeOffset> _downSince = new(StringComparer.Ordinal);
    /// <summary>Replaced, never changed: read by repairs while the loop decides.</summary>
    private ImmutableSortedSet<string> _reachable;
    /// <summary>Import → the route last reported for it (each re-point is reported once).</summary>
    private ImmutableSortedDictionary<string, string> _announced = ImmutableSortedDictionary<string, string>.Empty;
    private ImmutableSortedDictionary<string, string> _failedOver = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <param name="engines">Host → engine, every host of the project (all answered when watch connected).</param>
    /// <param name="probes">How each host is asked whether it answers; its engine's ping unless a test says otherwise.</param>
    public HostWatch(Project project, IReadOnlyDictionary<string, IContainerEngine> engines, IWatchOutput output, SupervisorOptions? supervisor = null,
        HostWatchOptions? options = null, TimeProvider? time = null, IEngineTransfer? imageSource = null,
        IReadOnlyDictionary<string, Func<CancellationToken, Task>>? probes = null)
    {
        _project = project;
        _engines = engines.ToImmutableSortedDictionary(StringComparer.Ordinal);
        _imageSource = imageSource;
        _output = output;
        _supervisor = supervisor ?? new SupervisorOptions();
        _options = options ?? new HostWatchOptions();
        _time = time ?? TimeProvider.System;
        _probes = (probes ?? _engines.ToDictionary(kv => kv.Key, kv => (Func<CancellationToken, Task>)(ct => kv.Value.PingAsync(ct))))
            .ToImmutableSortedDictionary(StringComparer.Ordinal);
        _reachable = [.. _engines.Keys];
        _health = new HostHealth(_probes, _options.Health, _time);
        _health.Changed += change =>
        {
            _changes.Enqueue(change);
            _signal.Release();
        };
    }

    /// <summary>Service → the standby it runs on now.</summary>
    public IReadOnlyDictionary<string, string> FailedOver => _failedOver;

    private readonly HostHealth _health;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probing = _health.RunAsync(stop.Token);
        var staging = StageImagesAsync(stop.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var view = HostFailover.View(_project, _reachable, _failedOver);
                using var generation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var routed = new HostEngines(_engines.Where(e => _reachable.Contains(e.Key)).ToDictionary(), Placement.Of(view), _imageSource);
                // Before the resync starts a failed-over provider (importers then wait for it at its new address, in
                // their retry window), and after it (imports it created).
                if (!HostFailover.Routes(_project, _failedOver).IsEmpty) await RepointAsync(view, routed, cancellationToken).ConfigureAwait(false);
                var options = _supervisor with { AfterResync = ct => RepointAsync(view, routed, ct) };
                var supervising = new Supervisor(view, routed, routed, _output, options, _time).RunAsync(generation.Token);
                await WaitForChangeAsync(cancellationToken).ConfigureAwait(false);
                await generation.CancelAsync().ConfigureAwait(false);
                await supervising.ConfigureAwait(false);
                if (!cancellationToken.IsCancellationRequested) await ApplyChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(probing, staging).ConfigureAwait(false);
        }
    }

    /// <summary>Until a host is gone or back (a transition that changes nothing, a first answer, is skipped) or a failover falls due.</summary>
    private async Task WaitForChangeAsync(CancellationToken ct)
    {
        while (true)
        {
            while (_changes.TryDequeue(out var change))
                if (change.State == HostState.Unreachable ? _reachable.Contains(change.Host) : !_reachable.Contains(change.Host)) _pending.Add(change);
            if (_pending.Count > 0) return;
            var now = _time.GetUtcNow();
            var due = HostFailover.NextDue(_project, _downSince, _reachable, _failedOver, _options.FailoverGrace);
            if (due is { } d && d <= now && !HostFailover.Due(_project, _downSince, _reachable, _failedOver, now, _options.FailoverGrace).IsEmpty) return;
            var wait = due is { } at && at > now ? at - now : Timeout.InfiniteTimeSpan;
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = wait == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, timer.Token) : Task.Delay(wait, _time, timer.Token);
            // The wait is cancelled with the timer, so a wait that lost never takes a later signal.
            await Task.WhenAny(_signal.WaitAsync(timer.Token), delay).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    private async Task ApplyChangesAsync(CancellationToken ct)
    {
        foreach (var change in _pending)
        {
            if (change.State == HostState.Unreachable && _reachable.Contains(change.Host))
            {
                _reachable = _reachable.Remove(change.Host);
                _downSince[change.Host] = _health.DownSince(change.Host) ?? change.Time - _options.Health.DownAfter;
                var unknown = HostFailover.ServicesOn(_project, change.Host, _failedOver);
                _output.Info($"{change.Line}: {(unknown.IsEmpty ? "no service runs there" : $"{string.Join(", ", unknown)} unknown")}; nothing on {change.Host} is repaired until it answers");
                foreach (var service in unknown.Where(s => !_project.Services[s].FailoverOf().IsEmpty))
                {
                    var grace = HostFailover.GraceOf(_project, _project.Services[service], _options.FailoverGrace);
                    _output.Info($"{service} fails over to {string.Join(" or ", _project.Services[service].FailoverOf())} if {change.Host} does not answer within {Seconds(grace)} s of its last answer");
                }
            }
            else if (change.State == HostState.Reachable && !_reachable.Contains(change.Host))
            {
                await RemoveStaleAsync(change.Host, ct).ConfigureAwait(false);
                _reachable = _reachable.Add(change.Host);
                _downSince.Remove(change.Host);
                _output.Info($"{change.Line}: making the project whole");
            }
        }
        _pending.Clear();
        var due = HostFailover.Due(_project, _downSince, _reachable, _failedOver, _time.GetUtcNow(), _options.FailoverGrace);
        foreach (var (service, standby) in due)
        {
            var from = HostFailover.EffectiveHost(_project.Services[service], _failedOver);
            _output.Info($"{service}: {from} has not answered for {Seconds(_time.GetUtcNow() - _downSince[from])} s: failing over to {standby}");
        }
        _failedOver = _failedOver.SetItems(due.Where(d => d.Value != _project.Services[d.Key].HostOf()))
            .RemoveRange(due.Where(d => d.Value == _project.Services[d.Key].HostOf()).Select(d => d.Key));
    }

    /// <summary>A returning host's copies of services that run elsewhere now are stopped and removed: never two copies.</summary>
    private async Task RemoveStaleAsync(string host, CancellationToken ct)
    {
        var stale = HostFailover.StaleOn(host, _failedOver).ToHashSet(StringComparer.Ordinal);
        if (stale.Count == 0) return;
        try
        {
            var engine = _engines[host];
            var observed = await engine.ObserveAsync(Observation.For(_project) with { IncludeOneOff = false }, ct).ConfigureAwait(false);
            foreach (var container in observed.Containers.Where(c => stale.Contains(c.Service)))
            {
                await engine.StopContainerAsync(container.Name, TimeSpan.Zero, ct).ConfigureAwait(false);
                await engine.RemoveContainerAsync(container.Name, removeAnonymousVolumes: false, ct).ConfigureAwait(false);
                _output.Info($"removed {container.Name} from {host}: {container.Service} runs on {_failedOver[container.Service]} since its failover");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _output.Info($"could not remove the stale copies on {host} ({e.Message}); they are left stopped");
        }
    }

    /// <summary>
    /// Running import ambassadors send new connections where the view routes them (the standby of a failed-over
    /// provider), written into each live; one created later has the route in its environment.
    /// </summary>
    private async Task RepointAsync(Project view, HostEngines routed, CancellationToken ct)
    {
        try
        {
            await AmbassadorRoutes.SyncAsync(view, routed, ct).ConfigureAwait(false);
            foreach (var (import, (host, target)) in HostFailover.Routes(_project, _failedOver).Where(r => _reachable.Contains(r.Value.Host)))
                if (_announced.GetValueOrDefault(import) != target)
                {
                    _announced = _announced.SetItem(import, target);
                    _output.Info($"{_project.ContainerName(_project.Services[import], 1)} on {host} now forwards to {target}");
                }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _output.Info($"could not re-point the import ambassadors: {e.Message}");
        }
    }

    /// <summary>
    /// Images of services with a failover list are copied to their standbys at the start, so a failover does not
    /// wait for a copy (it would make one itself otherwise). Best effort: a standby that lacks one gets it then.
    /// </summary>
    private async Task StageImagesAsync(CancellationToken ct)
    {
        try
        {
            foreach (var service in _project.Services.Values.Where(s => !s.FailoverOf().IsEmpty))
            {
                var image = BuildPlanner.ImageOf(_project, service);
                foreach (var standby in service.FailoverOf().Where(_engines.ContainsKey))
                {
                    if (_engines[standby] is not IEngineTransfer target || await _engines[standby].ImageAsync(image, ct).ConfigureAwait(false) is not null) continue;
                    IEngineTransfer? source = null;
                    foreach (var (host, engine) in _engines.Where(e => e.Key != standby))
                        if (engine is IEngineTransfer t && await engine.ImageAsync(image, ct).ConfigureAwait(false) is not null) { source = t; break; }
                    source ??= _imageSource;
                    if (source is null) continue;
                    await EngineTransfers.CopyImageAsync(source, target, image, ct).ConfigureAwait(false);
                    _output.Info($"copied {image} to {standby}, where {service.Name} fails over to");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _output.Info($"could not copy the images of failover services to their standbys ahead of time: {e.Message}");
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
