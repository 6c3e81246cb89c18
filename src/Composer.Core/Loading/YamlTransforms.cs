using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>Tree-to-tree steps of loading: interpolation of values and the merge of several files.</summary>
public static class YamlTransforms
{
    /// <summary>Substitutes variables in every scalar value (never in keys), keeping positions.</summary>
    public static YNode Interpolate(YNode node, Func<string, string?> lookup, DiagnosticBag diagnostics, string path = "") =>
        new Interpolator(lookup, diagnostics, path).Apply(node);

    /// <summary>
    /// Walks the tree once; a node none of whose scalars changes is returned as it is, and the path a message needs is
    /// spelled only for an error (a 1,000-service file has tens of thousands of scalars and almost never an error).
    /// </summary>
    private sealed class Interpolator(Func<string, string?> lookup, DiagnosticBag diagnostics, string root)
    {
        private readonly List<(string? Key, int Index)> _path = [];

        public YNode Apply(YNode node)
        {
            switch (node)
            {
                case YScalar s:
                {
                    if (!s.Value.Contains('$')) return s;
                    var result = Interpolation.Apply(s.Value, lookup);
                    foreach (var name in result.Unset)
                        diagnostics.Warning("interpolation.unset", $"The \"{name}\" variable is not set. Defaulting to a blank string.", s.Start);
                    if (result.Error is not null)
                    {
                        var path = Path();
                        diagnostics.Error("interpolation", $"{(path.Length == 0 ? "" : path + ": ")}{result.Error}", s.Start);
                        return s;
                    }
                    if (result.Value == s.Value) return s;
                    // "${UNSET}" is the empty string, not null: a value that interpolates to nothing stays a string.
                    return result.Value!.Length == 0 ? new YScalar(s.Start, "", true, s.Tag) : s.WithValue(result.Value!);
                }
                case YMapping m:
                {
                    List<YEntry>? changed = null;
                    for (var i = 0; i < m.Entries.Count; i++)
                    {
                        // x- extension fields are interpolated too, as Compose does; keys never are.
                        var e = m.Entries[i];
                        _path.Add((e.Key.Value, 0));
                        var value = Apply(e.Value);
                        _path.RemoveAt(_path.Count - 1);
                        if (ReferenceEquals(value, e.Value) && changed is null) continue;
                        changed ??= [.. m.Entries.Take(i)];
                        changed.Add(ReferenceEquals(value, e.Value) ? e : new YEntry(e.Key, value));
                    }
                    return changed is null ? m : new YMapping(m.Start, changed, m.Tag);
                }
                case YSequence q:
                {
                    List<YNode>? changed = null;
                    for (var i = 0; i < q.Items.Count; i++)
                    {
                        _path.Add((null, i));
                        var item = Apply(q.Items[i]);
                        _path.RemoveAt(_path.Count - 1);
                        if (ReferenceEquals(item, q.Items[i]) && changed is null) continue;
                        changed ??= [.. q.Items.Take(i)];
                        changed.Add(item);
                    }
                    return changed is null ? q : new YSequence(q.Start, changed, q.Tag);
                }
                default:
                    return node;
            }
        }

        private string Path()
        {
            var path = root;
            foreach (var (key, index) in _path) path = key is null ? $"{path}[{index}]" : Join(path, key);
            return path;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Fields whose later value replaces the earlier one as a whole instead of being appended to.</summary>
    private static readonly HashSet<string> ReplacedSequences = new(StringComparer.Ordinal)
    {
        "command", "entrypoint", "healthcheck.test",
    };

    /// <summary>Service fields that take a string or a list of strings.</summary>
    private static readonly HashSet<string> StringOrList = new(StringComparer.Ordinal)
    {
        "tmpfs", "dns", "dns_opt", "dns_search", "env_file", "label_file",
    };

    private static YNode AsList(YNode node) => node is YScalar { IsNull: false } s ? new YSequence(s.Start, [s], s.Tag) : node;

    /// <summary>Fields written as a list of <c>KEY=VALUE</c> or as a mapping: merged per key, the later value winning.</summary>
    private static readonly HashSet<string> KeyedLists = new(StringComparer.Ordinal)
    {
        "environment", "labels", "build.args", "build.labels", "sysctls", "annotations", "driver_opts",
    };

    /// <summary>Merges an override file into a base, as <c>-f a -f b</c> does (and <c>extends</c>), by Compose's rules.</summary>
    public static YNode Merge(YNode baseNode, YNode overrideNode, string path = "")
    {
        if (overrideNode.Tag is "!reset" or "!override") return overrideNode.WithTag(null);
        var leaf = LeafPath(path);
        if (KeyedLists.Contains(leaf) || path.StartsWith("networks.", StringComparison.Ordinal) && leaf.EndsWith(".labels", StringComparison.Ordinal) ||
            path.StartsWith("volumes.", StringComparison.Ordinal) && leaf.EndsWith(".labels", StringComparison.Ordinal))
        {
            if (AsKeyedMapping(baseNode, '=', null) is { } bm && AsKeyedMapping(overrideNode, '=', null) is { } om) return Merge(bm, om, path + ".*");
        }
        else if (IsServiceKey(path, "depends_on"))
        {
            if (AsKeyedMapping(baseNode, null, DefaultDependency) is { } bm && AsKeyedMapping(overrideNode, null, DefaultDependency) is { } om) return Merge(bm, om, path + ".*");
        }
        else if (IsServiceKey(path, "networks"))
        {
            if (AsKeyedMapping(baseNode, null, null) is { } bm && AsKeyedMapping(overrideNode, null, null) is { } om) return Merge(bm, om, path + ".*");
        }
        else if (IsServiceKey(path, "build") && (baseNode is YScalar { IsNull: false } || overrideNode is YScalar { IsNull: false }) && (baseNode is YMapping || overrideNode is YMapping))
        {
            // build: "." is short for build: {context: "."}; the two forms merge field by field. (A null build has no
            // mapping form: it is replaced like any other value, below.)
            return Merge(BuildAsMapping(baseNode), BuildAsMapping(overrideNode), path);
        }
        else if (IsServiceKey(path, "extra_hosts") && (baseNode is YMapping || overrideNode is YMapping))
        {
            return Merge(HostsAsList(baseNode), HostsAsList(overrideNode), path);
        }
        else if (StringOrList.Contains(leaf) && IsServiceKey(path, leaf) && (baseNode is YScalar { IsNull: false } || overrideNode is YScalar { IsNull: false }))
        {
            // "tmpfs: /run" and "tmpfs: [/tmp]" are one list: a string merges as a one-item list (compose-go's mergeToSequence).
            return Merge(AsList(baseNode), AsList(overrideNode), path);
        }
        else if (IsServiceKey(path, "logging") && baseNode is YMapping bl && overrideNode is YMapping ol &&
                 bl["driver"] is YScalar bd && ol["driver"] is YScalar od && bd.Value != od.Value)
        {
            // Another log driver: its options mean nothing to the first one, so the override replaces the whole block.
            return overrideNode;
        }
        else if (path.StartsWith("services.", StringComparison.Ordinal) && leaf.StartsWith("ulimits.", StringComparison.Ordinal) && leaf.Count(c => c == '.') == 1)
        {
            // A ulimit is one value: the override's replaces the base's, soft and hard together.
            return overrideNode;
        }
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
                    // An empty entry (service networks "front:" or a list turned mapping) adds nothing over what is there.
                    else if (e.Value is YScalar { IsNull: true } && e.Value.Tag is null && entries[i].Value is YMapping) continue;
                    else entries[i] = new YEntry(entries[i].Key, Merge(entries[i].Value, e.Value, ChildPath(path, e.Key.Value)));
                }
                return new YMapping(b.Start, entries, b.Tag);
            }
            case (YSequence b, YSequence o) when !ReplacedSequences.Contains(leaf):
            {
                // Appended; a scalar already present is not repeated (Compose keeps such lists unique).
                var items = b.Items.ToList();
                foreach (var item in o.Items)
                    if (item is not YScalar s || !items.Any(x => x is YScalar xs && xs.Value == s.Value)) items.Add(item);
                return new YSequence(b.Start, items, b.Tag);
            }
            default:
                return overrideNode;
        }
    }

    private static YMapping DefaultDependency(YScalar at) =>
        new(at.Start, [new YEntry(new YScalar(at.Start, "condition", false), new YScalar(at.Start, "service_started", false))]);

    /// <summary>A list_or_dict as a mapping; list items split at <paramref name="separator"/> (or map to <paramref name="valueFor"/>).</summary>
    internal static YMapping? AsKeyedMapping(YNode node, char? separator, Func<YScalar, YNode>? valueFor)
    {
        switch (node)
        {
            case YMapping m: return m;
            case YSequence seq:
            {
                var entries = new List<YEntry>();
                foreach (var item in seq.Items)
                {
                    if (item is not YScalar s) return null;
                    var i = separator is { } sep ? s.Value.IndexOf(sep) : -1;
                    var key = i < 0 ? s.Value : s.Value[..i];
                    YNode value = i >= 0 ? new YScalar(s.Start, s.Value[(i + 1)..], true)
                        : valueFor?.Invoke(s) ?? new YScalar(s.Start, "", false);
                    var existing = entries.FindIndex(e => e.Key.Value == key);
                    var entry = new YEntry(new YScalar(s.Start, key, true), value);
                    if (existing >= 0) entries[existing] = entry; else entries.Add(entry);
                }
                return new YMapping(seq.Start, entries, seq.Tag);
            }
            default: return null;
        }
    }

    private static YNode BuildAsMapping(YNode node) => node is YScalar s && !s.IsNull
        ? new YMapping(s.Start, [new YEntry(new YScalar(s.Start, "context", false), s)], s.Tag)
        : node;

    private static YNode HostsAsList(YNode node) => node is YMapping m
        ? new YSequence(m.Start, [.. m.Entries.SelectMany(e => (e.Value is YSequence q ? q.Items.OfType<YScalar>() : e.Value is YScalar v ? [v] : [])
            .Select(v => (YNode)new YScalar(e.Key.Start, $"{e.Key.Value}={v.Value}", true)))], m.Tag)
        : node;

    private static bool IsServiceKey(string path, string key)
    {
        var parts = path.Split('.');
        return parts.Length == 3 && parts[0] == "services" && parts[2] == key;
    }

    private static string ChildPath(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>services.web.healthcheck.test → healthcheck.test, so the rule applies to any service.</summary>
    private static string LeafPath(string path)
    {
        var parts = path.Split('.');
        return parts.Length >= 3 && parts[0] == "services" ? string.Join('.', parts[2..]) : path;
    }
}
