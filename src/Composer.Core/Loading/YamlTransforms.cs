using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>Tree-to-tree steps of loading: interpolation of values and the merge of several files.</summary>
public static class YamlTransforms
{
    /// <summary>Substitutes variables in every scalar value (never in keys), keeping positions.</summary>
    public static YNode Interpolate(YNode node, Func<string, string?> lookup, DiagnosticBag diagnostics, string path = "")
    {
        switch (node)
        {
            case YScalar s:
            {
                var result = Interpolation.Apply(s.Value, lookup);
                foreach (var name in result.Unset)
                    diagnostics.Warning("interpolation.unset", $"The \"{name}\" variable is not set. Defaulting to a blank string.", s.Start);
                if (result.Error is not null)
                {
                    diagnostics.Error("interpolation", $"{(path.Length == 0 ? "" : path + ": ")}{result.Error}", s.Start);
                    return s;
                }
                return result.Value == s.Value ? s : s.WithValue(result.Value!);
            }
            case YMapping m:
                return new YMapping(m.Start, m.Entries.Select(e =>
                    // x- extension fields are interpolated too, as Compose does; keys never are.
                    new YEntry(e.Key, Interpolate(e.Value, lookup, diagnostics, Join(path, e.Key.Value)))).ToList(), m.Tag);
            case YSequence q:
                return new YSequence(q.Start, q.Items.Select((i, n) => Interpolate(i, lookup, diagnostics, $"{path}[{n}]")).ToList(), q.Tag);
            default:
                return node;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Fields whose later value replaces the earlier one as a whole instead of being appended to.</summary>
    private static readonly HashSet<string> ReplacedSequences = new(StringComparer.Ordinal)
    {
        "command", "entrypoint", "healthcheck.test", "dns", "profiles",
    };

    /// <summary>Merges an override file into a base, as <c>-f a -f b</c> does: mappings by key, lists appended.</summary>
    public static YNode Merge(YNode baseNode, YNode overrideNode, string path = "")
    {
        if (overrideNode.Tag == "!reset") return overrideNode.WithTag(null);
        if (overrideNode.Tag == "!override") return overrideNode.WithTag(null);
        switch (baseNode, overrideNode)
        {
            case (YMapping b, YMapping o):
            {
                var entries = b.Entries.ToList();
                foreach (var e in o.Entries)
                {
                    var i = entries.FindIndex(x => x.Key.Value == e.Key.Value);
                    if (e.Value.Tag == "!reset") { if (i >= 0) entries.RemoveAt(i); continue; }
                    if (i < 0) entries.Add(e.Value.Tag == "!override" ? e with { Value = e.Value.WithTag(null) } : e);
                    else entries[i] = new YEntry(entries[i].Key, Merge(entries[i].Value, e.Value, ChildPath(path, e.Key.Value)));
                }
                return new YMapping(b.Start, entries, b.Tag);
            }
            case (YSequence b, YSequence o) when !ReplacedSequences.Contains(LeafPath(path)):
                return new YSequence(b.Start, [.. b.Items, .. o.Items], b.Tag);
            default:
                return overrideNode;
        }
    }

    private static string ChildPath(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>services.web.healthcheck.test → healthcheck.test, so the rule applies to any service.</summary>
    private static string LeafPath(string path)
    {
        var parts = path.Split('.');
        return parts.Length >= 3 && parts[0] == "services" ? string.Join('.', parts[2..]) : path;
    }
}
