using System.Collections.Concurrent;

namespace Composer.Core.Engine;

/// <summary>
/// Corrects a container list by the events seen since. The engine sends a container's "die" before it has released
/// the container's network and lists the exit only after (50–70 ms on an idle Engine 20.10, more under load), so a
/// list read on that event can still say "running". While an event stream follows the project every later change of
/// a container arrives as an event, so the last one seen decides over the list; when no stream follows, or one
/// dropped (events may be missed), the list decides alone.
/// </summary>
public sealed class ContainerEventLedger
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Time, string State, string Status)> _last = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _followers;

    /// <summary>An event stream starts following; dispose it when the stream ends.</summary>
    public IDisposable Follow()
    {
        lock (_lock) _followers++;
        return new Follower(this);
    }

    /// <summary>A stream dropped or ended: what it would have seen next is unknown.</summary>
    public void Forget() => _last.Clear();

    public void Record(EngineEvent e)
    {
        if (StateAfter(e) is not { } after) return;
        if (e.Action == "destroy")
        {
            _last.TryRemove(e.ContainerId, out _);
            return;
        }
        // Several streams may report the same events: an older one never overwrites a newer one.
        _last.AddOrUpdate(e.ContainerId, (e.Time, after.State, after.Status),
            (_, known) => e.Time >= known.Time ? (e.Time, after.State, after.Status) : known);
    }

    public ObservedState Correct(ObservedState observed)
    {
        if (_last.IsEmpty) return observed;
        return observed with { Containers = [.. observed.Containers.Select(Correct)] };
    }

    private ObservedContainer Correct(ObservedContainer c) =>
        // Only the states a lagging list confuses: the engine's own restarting/removing/dead come from the list.
        _last.TryGetValue(c.Id, out var seen) && seen.State != c.State && c.State is ContainerState.Running or ContainerState.Exited
            or ContainerState.Created or ContainerState.Paused
            ? c with { State = seen.State, Status = seen.Status, Addresses = seen.State == ContainerState.Running ? c.Addresses : c.Addresses.Clear() }
            : c;

    private static (string State, string Status)? StateAfter(EngineEvent e) => e.Action switch
    {
        "create" => (ContainerState.Created, "Created"),
        "start" or "unpause" or "restart" => (ContainerState.Running, "Up"),
        "pause" => (ContainerState.Paused, "Up (Paused)"),
        "die" => (ContainerState.Exited, e.ExitCode is { } code ? $"Exited ({code})" : "Exited"),
        "destroy" => ("", ""),
        _ => null,
    };

    private sealed class Follower(ContainerEventLedger ledger) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (ledger._lock)
                if (--ledger._followers == 0) ledger.Forget();
        }
    }
}
