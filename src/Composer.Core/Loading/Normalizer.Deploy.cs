using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>The <c>deploy</c> section (all but <c>replicas</c>, which <see cref="Scale"/> reads).</summary>
public sealed partial class Normalizer
{
    /// <summary>
    /// The one reading of <c>deploy</c> (the Swarm path and the single-engine path read the same model). Null when it
    /// holds nothing but <c>replicas</c>, the common case on one engine.
    /// </summary>
    private Deploy? Deploy(YMapping? m, string at)
    {
        if (m is null) return null;
        at += ".deploy";
        var placement = m["placement"] as YMapping;
        var resources = m["resources"] as YMapping;
        var restart = m["restart_policy"] as YMapping;
        var condition = Str(restart?["condition"]);
        if (condition is not null and not ("none" or "no" or "on-failure" or "any" or "always" or "unless-stopped"))
            diagnostics.Error("service.deploy", $"{at}.restart_policy.condition: '{condition}' must be 'none', 'on-failure' or 'any'", restart!["condition"]!.Start);
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
            RestartPolicy = restart is null ? null
                : new DeployRestartPolicy(condition, Duration(restart["delay"], $"{at}.restart_policy.delay"),
                    Whole(restart["max_attempts"], $"{at}.restart_policy.max_attempts"), Duration(restart["window"], $"{at}.restart_policy.window")),
            UpdateConfig = UpdateConfig(m["update_config"] as YMapping, $"{at}.update_config"),
            RollbackConfig = UpdateConfig(m["rollback_config"] as YMapping, $"{at}.rollback_config"),
            Extensions = m.Entries.Where(e => e.Key.Value.StartsWith("x-", StringComparison.Ordinal))
                .ToImmutableSortedDictionary(e => e.Key.Value, e => Raw(e.Value), StringComparer.Ordinal),
        };
        return deploy.IsEmpty && deploy.Extensions.IsEmpty ? null : deploy;
    }

    private DeployResources? Resources(YMapping? m, string at) => m is null ? null
        : new DeployResources(Number(m["cpus"], $"{at}.cpus") is { } cpus ? (long)Math.Round(cpus * 1e9) : null, Bytes(m["memory"], $"{at}.memory"), Whole(m["pids"], $"{at}.pids"))
        {
            // Empty is the shared empty array, so resources without devices compare equal.
            Devices = m["devices"] is YSequence { Items.Count: > 0 } devices ? [.. devices.Items.OfType<YMapping>().Select(d => DeviceRequest(d, $"{at}.devices"))] : [],
        };

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
