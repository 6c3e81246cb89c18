using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>The <c>deploy</c> section (all but <c>replicas</c>, which <see cref="Scale"/> reads): what a Swarm schedules by.</summary>
public sealed partial class Normalizer
{
    private Deploy? SwarmDeploy(YMapping? m, string at)
    {
        if (m is null) return null;
        at += ".deploy";
        var placement = m["placement"] as YMapping;
        var resources = m["resources"] as YMapping;
        var deploy = new Deploy
        {
            Mode = Str(m["mode"]),
            EndpointMode = Str(m["endpoint_mode"]),
            Labels = Dict(m["labels"]),
            Constraints = List(placement?["constraints"]),
            SpreadPreferences = [.. (placement?["preferences"] as YSequence)?.Items.OfType<YMapping>().Select(p => Str(p["spread"])).OfType<string>() ?? []],
            MaxReplicasPerNode = Int(placement?["max_replicas_per_node"], $"{at}.placement.max_replicas_per_node"),
            Limits = Resources(resources?["limits"] as YMapping, $"{at}.resources.limits"),
            Reservations = Resources(resources?["reservations"] as YMapping, $"{at}.resources.reservations"),
            RestartPolicy = m["restart_policy"] is YMapping r
                ? new StackRestartPolicy(Str(r["condition"]), Duration(r["delay"], $"{at}.restart_policy.delay"),
                    Int(r["max_attempts"], $"{at}.restart_policy.max_attempts"), Duration(r["window"], $"{at}.restart_policy.window"))
                : null,
            UpdateConfig = UpdateConfig(m["update_config"] as YMapping, $"{at}.update_config"),
            RollbackConfig = UpdateConfig(m["rollback_config"] as YMapping, $"{at}.rollback_config"),
        };
        // A deploy section with only replicas (the common case on one engine) leaves no trace in the model.
        var empty = deploy is { Mode: null, EndpointMode: null, Labels.Count: 0, Constraints.Length: 0, SpreadPreferences.Length: 0, MaxReplicasPerNode: null,
            Limits: null, Reservations: null, RestartPolicy: null, UpdateConfig: null, RollbackConfig: null };
        return empty ? null : deploy;
    }

    private DeployResources? Resources(YMapping? m, string at)
    {
        if (m is null) return null;
        long? nanoCpus = null;
        if (Str(m["cpus"]) is { } cpus)
        {
            if (double.TryParse(cpus, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c >= 0) nanoCpus = (long)Math.Round(c * 1e9);
            else diagnostics.Error("deploy.cpus", $"{at}.cpus: '{cpus}' is not a number of CPUs (like 0.5)", m["cpus"]!.Start);
        }
        return new DeployResources(nanoCpus, Bytes(m["memory"], $"{at}.memory"), Int(m["pids"], $"{at}.pids"));
    }

    private DeployUpdateConfig? UpdateConfig(YMapping? m, string at)
    {
        if (m is null) return null;
        double? ratio = null;
        if (Str(m["max_failure_ratio"]) is { } text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1) ratio = r;
            else diagnostics.Error("deploy.ratio", $"{at}.max_failure_ratio: '{text}' is not a ratio between 0 and 1", m["max_failure_ratio"]!.Start);
        }
        return new DeployUpdateConfig(Int(m["parallelism"], $"{at}.parallelism"), Duration(m["delay"], $"{at}.delay"), Str(m["failure_action"]),
            Duration(m["monitor"], $"{at}.monitor"), ratio, Str(m["order"]));
    }

    private int? Int(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        diagnostics.Error("deploy.number", $"{at}: '{s.Value}' is not a whole number", s.Start);
        return null;
    }
}
