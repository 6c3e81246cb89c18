using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// The casts compose-go applies after interpolation where the specification says boolean: a string there is read
/// as a YAML 1.1 boolean (<c>yes</c>, <c>on</c>, <c>y</c> are true, with a warning; <c>no</c>, <c>off</c>, <c>n</c>
/// false), so <c>init: yes</c> or <c>privileged: ${FLAG}</c> mean what they say; any other string is an error.
/// </summary>
internal static class TypeCasts
{
    private static readonly HashSet<string> ServiceBooleans = ["init", "privileged", "read_only", "stdin_open", "tty", "oom_kill_disable"];
    private static readonly HashSet<string> NetworkBooleans = ["external", "internal", "attachable", "enable_ipv4", "enable_ipv6"];

    public static YMapping Apply(YMapping root, DiagnosticBag diagnostics) => Map(root, (section, sectionNode) => (section, sectionNode) switch
    {
        ("services", YMapping services) => Map(services, (name, service) => service is YMapping s ? Service(s, $"services.{name}", diagnostics) : service),
        ("networks", YMapping networks) => Map(networks, (name, n) => n is YMapping m ? Map(m, (k, v) => NetworkBooleans.Contains(k) ? Bool(v, $"networks.{name}.{k}", diagnostics) : v) : n),
        ("volumes" or "secrets" or "configs", YMapping objects) => Map(objects, (name, o) => o is YMapping m ? Map(m, (k, v) => k == "external" ? Bool(v, $"{section}.{name}.{k}", diagnostics) : v) : o),
        _ => sectionNode,
    });

    private static YMapping Service(YMapping service, string path, DiagnosticBag diagnostics) => Map(service, (key, value) => (key, value) switch
    {
        _ when ServiceBooleans.Contains(key) => Bool(value, $"{path}.{key}", diagnostics),
        ("depends_on", YMapping deps) => Map(deps, (dep, d) => d is YMapping dm ? Map(dm, (k, v) => k is "required" or "restart" ? Bool(v, $"{path}.depends_on.{dep}.{k}", diagnostics) : v) : d),
        ("healthcheck", YMapping h) => Map(h, (k, v) => k == "disable" ? Bool(v, $"{path}.healthcheck.disable", diagnostics) : v),
        ("volumes", YSequence q) => new YSequence(q.Start, [.. q.Items.Select((item, i) => item is YMapping m ? Map(m, (k, v) => (k, v) switch
        {
            ("read_only", _) => Bool(v, $"{path}.volumes[{i}].read_only", diagnostics),
            ("volume", YMapping vm) => Map(vm, (vk, vv) => vk == "nocopy" ? Bool(vv, $"{path}.volumes[{i}].volume.nocopy", diagnostics) : vv),
            _ => v,
        }) : item)], q.Tag),
        _ => value,
    });

    private static YNode Bool(YNode node, string path, DiagnosticBag diagnostics)
    {
        if (node is not YScalar { Kind: ScalarKind.String } s) return node;
        var (value, old) = s.Value.ToLowerInvariant() switch
        {
            "true" => ("true", false),
            "false" => ("false", false),
            "y" or "yes" or "on" => ("true", true),
            "n" or "no" or "off" => ("false", true),
            _ => (null, false),
        };
        if (value is null)
        {
            diagnostics.Error("type.boolean", $"{path}: invalid boolean: {s.Value}", s.Start);
            return node;
        }
        if (old) diagnostics.Warning("type.yaml11-boolean", $"{path}: \"{s.Value}\" for boolean is not supported by YAML 1.2, please use `{value}`", s.Start);
        return new YScalar(s.Start, value, false);
    }

    private static YMapping Map(YMapping m, Func<string, YNode, YNode> f)
    {
        List<YEntry>? changed = null;
        for (var i = 0; i < m.Entries.Count; i++)
        {
            var e = m.Entries[i];
            var v = f(e.Key.Value, e.Value);
            if (ReferenceEquals(v, e.Value) && changed is null) continue;
            changed ??= [.. m.Entries.Take(i)];
            changed.Add(ReferenceEquals(v, e.Value) ? e : new YEntry(e.Key, v));
        }
        return changed is null ? m : new YMapping(m.Start, changed, m.Tag);
    }
}
