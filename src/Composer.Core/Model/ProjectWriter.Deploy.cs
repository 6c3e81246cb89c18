using System.Globalization;
using Composer.Core.Loading;

namespace Composer.Core.Model;

public static partial class ProjectWriter
{
    /// <summary><c>deploy</c> as the file would write it (replicas stay in <c>scale</c>); null when there is nothing beyond replicas.</summary>
    private static Dictionary<string, object?>? Deploy(Deploy? d)
    {
        if (d is null) return null;
        var o = new Dictionary<string, object?>();
        void Put(Dictionary<string, object?> into, string key, object? value)
        {
            if (value is null || value is System.Collections.ICollection { Count: 0 }) return;
            into[key] = value;
        }
        string? Duration(TimeSpan? t) => t is { } v ? ValueParsers.FormatDuration(v) : null;
        Dictionary<string, object?>? Resources(DeployResources? r)
        {
            if (r is null) return null;
            var x = new Dictionary<string, object?>();
            Put(x, "cpus", r.NanoCpus is { } n ? (n / 1e9).ToString(CultureInfo.InvariantCulture) : null);
            Put(x, "memory", r.MemoryBytes);
            Put(x, "pids", r.Pids);
            return x;
        }
        Dictionary<string, object?>? Update(DeployUpdateConfig? u)
        {
            if (u is null) return null;
            var x = new Dictionary<string, object?>();
            Put(x, "parallelism", u.Parallelism);
            Put(x, "delay", Duration(u.Delay));
            Put(x, "failure_action", u.FailureAction);
            Put(x, "monitor", Duration(u.Monitor));
            Put(x, "max_failure_ratio", u.MaxFailureRatio);
            Put(x, "order", u.Order);
            return x;
        }
        Put(o, "mode", d.Mode);
        Put(o, "endpoint_mode", d.EndpointMode);
        Put(o, "labels", d.Labels.ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
        var placement = new Dictionary<string, object?>();
        Put(placement, "constraints", d.Constraints.ToList());
        Put(placement, "preferences", d.SpreadPreferences.Select(p => new Dictionary<string, object?> { ["spread"] = p }).ToList());
        Put(placement, "max_replicas_per_node", d.MaxReplicasPerNode);
        Put(o, "placement", placement);
        var resources = new Dictionary<string, object?>();
        Put(resources, "limits", Resources(d.Limits));
        Put(resources, "reservations", Resources(d.Reservations));
        Put(o, "resources", resources);
        if (d.RestartPolicy is { } r)
        {
            var x = new Dictionary<string, object?>();
            Put(x, "condition", r.Condition);
            Put(x, "delay", Duration(r.Delay));
            Put(x, "max_attempts", r.MaxAttempts);
            Put(x, "window", Duration(r.Window));
            Put(o, "restart_policy", x);
        }
        Put(o, "update_config", Update(d.UpdateConfig));
        Put(o, "rollback_config", Update(d.RollbackConfig));
        return o;
    }
}
