using Composer.Core.Engine;

namespace Composer.Core.Supervision;

public enum IncidentKind
{
    /// <summary>The process exited by itself (or was OOM-killed): nobody asked for it.</summary>
    Crashed,
    /// <summary>The healthcheck failed; the engine never restarts for that.</summary>
    Unhealthy,
    /// <summary>The container was removed while nobody had stopped it (e.g. <c>docker rm -f</c>).</summary>
    Removed,
}

/// <summary>What the supervisor should do about one event.</summary>
public abstract record Verdict
{
    public sealed record Nothing(string Why) : Verdict;
    public sealed record Incident(IncidentKind Kind, int? ExitCode) : Verdict;
    /// <summary>A container of the service (re)started: the end of an incident, if one is open.</summary>
    public sealed record Started : Verdict;
}

/// <summary>
/// Tells crashes from intentional stops by the event sequence the engine emits: a crash is a lone <c>die</c>; the
/// stop API emits <c>kill die stop</c>; the kill API <c>kill die</c>; <c>rm -f</c> <c>kill die destroy</c>. So a
/// <c>die</c> with no <c>kill</c> since the last start is a crash, and a <c>destroy</c> with no <c>stop</c> since the
/// last start is a removal to undo. Pure: one tracker per watch session.
/// </summary>
public sealed class LifecycleTracker
{
    private sealed class State
    {
        public bool Killed;
        public bool Stopped;
        public bool Died;
    }

    private readonly Dictionary<string, State> _byContainer = new(StringComparer.Ordinal);

    public Verdict Observe(EngineEvent e)
    {
        if (e.IsOneOff) return new Verdict.Nothing("one-off container");
        if (!_byContainer.TryGetValue(e.ContainerId, out var s)) _byContainer[e.ContainerId] = s = new State();
        switch (e.Action)
        {
            case "start":
                s.Killed = s.Stopped = s.Died = false;
                return new Verdict.Started();
            case "kill":
                s.Killed = true;
                return new Verdict.Nothing($"kill signal {e.Signal}");
            case "stop":
                s.Stopped = true;
                return new Verdict.Nothing("stopped through the stop API");
            case "die":
                s.Died = true;
                return s.Killed ? new Verdict.Nothing("killed through the engine's API") : new Verdict.Incident(IncidentKind.Crashed, e.ExitCode);
            case "destroy":
                _byContainer.Remove(e.ContainerId);
                return s.Stopped || (s.Died && !s.Killed)
                    // Stopped then removed is intentional; a crashed container being removed is a crash already handled.
                    ? new Verdict.Nothing("removed after a stop")
                    : new Verdict.Incident(IncidentKind.Removed, null);
            case "health_status: unhealthy":
                return new Verdict.Incident(IncidentKind.Unhealthy, null);
            default:
                return new Verdict.Nothing(e.Action);
        }
    }
}
