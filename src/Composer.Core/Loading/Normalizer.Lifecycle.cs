using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>How a service runs over time: restart, healthcheck, scale.</summary>
public sealed partial class Normalizer
{
    private string? Restart(YNode? node, string at)
    {
        var value = Str(node);
        if (value is null) return null;
        var ok = value is "no" or "always" or "unless-stopped" or "on-failure" ||
                 value.StartsWith("on-failure:", StringComparison.Ordinal) && int.TryParse(value[11..], out var n) && n >= 0;
        if (!ok) diagnostics.Error("service.restart", $"{at}.restart: '{value}' must be 'no', 'always', 'on-failure[:N]' or 'unless-stopped'", node!.Start);
        return value;
    }

    private Healthcheck? Healthcheck(YMapping? m, string at)
    {
        if (m is null) return null;
        var disable = Bool(m["disable"]);
        var test = m["test"] switch
        {
            YScalar s when !s.IsNull => ImmutableArray.Create("CMD-SHELL", s.Value),
            YSequence seq => [.. seq.Items.OfType<YScalar>().Select(x => x.Value)],
            _ => ImmutableArray<string>.Empty,
        };
        if (!test.IsEmpty && test[0] == "NONE") disable = true;
        if (!test.IsEmpty && test[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
            diagnostics.Error("service.healthcheck", $"{at}.healthcheck.test: a list must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"", m["test"]!.Start);
        int? retries = null;
        if (m["retries"] is YScalar r)
        {
            if (int.TryParse(r.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) retries = n;
            else diagnostics.Error("service.healthcheck", $"{at}.healthcheck.retries: '{r.Value}' is not a whole number", r.Start);
        }
        return new Healthcheck
        {
            Disable = disable, Test = disable ? ["NONE"] : test, Retries = retries,
            Interval = Duration(m["interval"], $"{at}.healthcheck.interval"),
            Timeout = Duration(m["timeout"], $"{at}.healthcheck.timeout"),
            StartPeriod = Duration(m["start_period"], $"{at}.healthcheck.start_period"),
            StartInterval = Duration(m["start_interval"], $"{at}.healthcheck.start_interval"),
        };
    }

    private int Scale(YMapping m, string at)
    {
        int? Read(YNode? node, string key)
        {
            if (node is not YScalar s || s.IsNull) return null;
            if (int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            diagnostics.Error("service.scale", $"{at}.{key}: '{s.Value}' is not a whole number", s.Start);
            return null;
        }
        var replicasNode = (m["deploy"] as YMapping)?["replicas"];
        var replicas = Read(replicasNode, "deploy.replicas");
        var scale = Read(m["scale"], "scale");
        if (replicas is { } r && scale is { } sc && r != sc)
            diagnostics.Error("service.scale", $"{at}: 'scale' ({sc}) and 'deploy.replicas' ({r}) must not differ", replicasNode!.Start);
        return scale ?? replicas ?? 1;
    }
}
