using System.Collections.Immutable;
using System.Globalization;

namespace Composer.Core.Stack;

/// <summary>What <c>stack watch</c> saw happen between two observations; <see cref="Text"/> is the line it prints.</summary>
public sealed record StackIncident(DateTimeOffset At, string Kind, string Subject, string Text);

/// <summary>
/// Turns successive observations of a stack into incidents, in <c>watch</c>'s line format: a node going down or coming
/// back, a task failing, and a task slot running again (restarted on its node, or rescheduled to another) with the
/// time since it was lost. Swarm does the restarting; this only reports. Pure: the caller supplies the clock.
/// </summary>
public sealed class StackIncidents
{
    private ImmutableDictionary<string, ObservedNode> _nodes = ImmutableDictionary<string, ObservedNode>.Empty;
    private readonly Dictionary<string, (string TaskId, string NodeId)> _runningBySlot = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lostAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _nodeDownAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedSeen = new(StringComparer.Ordinal);
    private bool _first = true;

    private static string F(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture);

    public IReadOnlyList<StackIncident> Next(ObservedStack observed, DateTimeOffset now)
    {
        var incidents = new List<StackIncident>();
        var nodes = observed.Nodes.ToImmutableDictionary(n => n.Id);
        string Host(string nodeId) => nodes.TryGetValue(nodeId, out var n) ? n.Hostname : _nodes.TryGetValue(nodeId, out var o) ? o.Hostname : nodeId;
        string SlotName(ObservedTask t) => $"{ShortName(t.ServiceName, observed)}.{(t.Slot?.ToString(CultureInfo.InvariantCulture) ?? Host(t.NodeId))}";

        foreach (var n in observed.Nodes)
        {
            var before = _nodes.GetValueOrDefault(n.Id);
            if (_first || before is null || before.State == n.State) continue;
            if (n.State == "down")
            {
                _nodeDownAt[n.Id] = now;
                var onIt = _runningBySlot.Where(kv => kv.Value.NodeId == n.Id).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
                foreach (var slot in onIt) _lostAt.TryAdd(slot, now);
                incidents.Add(new(now, "node_down", n.Hostname,
                    $"node {n.Hostname} down{(n.Address is { } a ? $" ({a})" : "")}" + (onIt.Count > 0 ? $" → {onIt.Count} task(s) to reschedule: {string.Join(", ", onIt)}" : "")));
            }
            else if (n.State == "ready")
            {
                var down = _nodeDownAt.Remove(n.Id, out var since) ? $" after {F((now - since).TotalSeconds)} s" : "";
                incidents.Add(new(now, "node_ready", n.Hostname, $"node {n.Hostname} ready again{down}"));
            }
        }

        foreach (var t in observed.Tasks.Where(t => t.IsFailed && _failedSeen.Add(t.Id)))
        {
            if (_first) continue;
            var slot = SlotName(t);
            _lostAt.TryAdd(slot, t.StateSince ?? now);
            var exit = t.ExitCode is { } code and not 0 ? $" (exit {code})" : "";
            incidents.Add(new(now, "task_failed", slot, $"{slot} {t.State} on {Host(t.NodeId)}{exit}: {t.Error ?? t.Message} → Swarm reschedules it"));
        }

        foreach (var t in observed.Tasks.Where(t => t.IsRunning && t.DesiredState == "running").OrderBy(t => t.ServiceName, StringComparer.Ordinal).ThenBy(t => t.Slot))
        {
            var slot = SlotName(t);
            if (_runningBySlot.TryGetValue(slot, out var before) && before.TaskId == t.Id) continue;
            _runningBySlot[slot] = (t.Id, t.NodeId);
            if (_first || before == default) continue;
            var lost = _lostAt.Remove(slot, out var at) ? at : (DateTimeOffset?)null;
            var took = lost is { } l ? $" in {F((now - l).TotalSeconds)} s" : "";
            incidents.Add(before.NodeId == t.NodeId
                ? new(now, "task_restarted", slot, $"{slot} restarted on {Host(t.NodeId)}{took}")
                : new(now, "task_rescheduled", slot, $"{slot} rescheduled {Host(before.NodeId)} → {Host(t.NodeId)}{took}" +
                    (_nodeDownAt.ContainsKey(before.NodeId) || nodes.GetValueOrDefault(before.NodeId)?.State == "down" ? $" ({Host(before.NodeId)} down)" : "")));
        }

        _nodes = nodes;
        _first = false;
        return incidents;
    }

    private static string ShortName(string serviceName, ObservedStack observed)
    {
        var label = observed.Services.FirstOrDefault(s => s.Name == serviceName)?.Labels.GetValueOrDefault(StackLabels.Namespace);
        return label is not null && serviceName.StartsWith(label + "_", StringComparison.Ordinal) ? serviceName[(label.Length + 1)..] : serviceName;
    }
}
