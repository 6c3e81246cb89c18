using Composer.Core.Diagnostics;

namespace Composer.Core.Loading.Yaml;

/// <summary>
/// A YAML node that remembers where it was written. The loader works on this tree (not on YamlDotNet's) so that
/// every later stage, interpolation, merge, validation and normalization, can point at the user's line and column.
/// </summary>
public abstract class YNode(SourcePosition start, string? tag)
{
    public SourcePosition Start { get; } = start;
    /// <summary>A local tag such as <c>!reset</c> or <c>!override</c>; null when untagged.</summary>
    public string? Tag { get; } = tag;
    public abstract string KindName { get; }
    public abstract YNode WithTag(string? tag);
}

public enum ScalarKind { String, Null, Bool, Int, Float }

public sealed class YScalar(SourcePosition start, string value, bool quoted, string? tag = null) : YNode(start, tag)
{
    public string Value { get; } = value;
    /// <summary>Quoted (or block) scalars are always strings; plain ones are typed by the YAML 1.2 core schema.</summary>
    public bool Quoted { get; } = quoted;

    // Every stage asks (the reader, casts, fingerprint, schema, normalizer): classified once, on first use.
    // One byte (kind + 1, 0 before the first use), so a race between threads can only classify twice.
    private byte _kind;
    public ScalarKind Kind
    {
        get
        {
            if (_kind == 0) _kind = (byte)((Quoted || Tag == "!!str" ? ScalarKind.String : Classify(Value)) + 1);
            return (ScalarKind)(_kind - 1);
        }
    }
    public override string KindName => Kind switch
    {
        ScalarKind.Null => "null", ScalarKind.Bool => "boolean", ScalarKind.Int => "integer",
        ScalarKind.Float => "number", _ => "string",
    };
    public bool IsNull => Kind == ScalarKind.Null;

    public YScalar WithValue(string value) => new(Start, value, Quoted, Tag);
    public override YNode WithTag(string? tag) => new YScalar(Start, Value, Quoted, tag);

    public static ScalarKind Classify(string v)
    {
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return ScalarKind.Null;
            case "true" or "True" or "TRUE" or "false" or "False" or "FALSE": return ScalarKind.Bool;
        }
        if (long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            return ScalarKind.Int;
        if (v.StartsWith("0x", StringComparison.Ordinal) && v.Length > 2 && v[2..].All(Uri.IsHexDigit)) return ScalarKind.Int;
        if (v.StartsWith("0o", StringComparison.Ordinal) && v.Length > 2 && v[2..].All(c => c is >= '0' and <= '7')) return ScalarKind.Int;
        if (v.Length > 0 && (char.IsDigit(v[0]) || v[0] is '-' or '+' or '.') &&
            double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) &&
            v.Any(char.IsDigit))
            return ScalarKind.Float;
        if (v is ".inf" or "-.inf" or "+.inf" or ".nan" or ".Inf" or "-.Inf" or ".NaN") return ScalarKind.Float;
        return ScalarKind.String;
    }

    public bool? AsBool() => Kind == ScalarKind.Bool ? Value.Equals("true", StringComparison.OrdinalIgnoreCase) : null;

    public override string ToString() => Value;
}

public sealed record YEntry(YScalar Key, YNode Value);

public sealed class YMapping(SourcePosition start, IReadOnlyList<YEntry> entries, string? tag = null) : YNode(start, tag)
{
    public IReadOnlyList<YEntry> Entries { get; } = entries;
    public override string KindName => "mapping";

    /// <summary>Small mappings are searched in order; larger ones (a service's keys, a file with thousands of services)
    /// through an index built on first use, so lookups by key stay constant-time and loading stays linear in the file's
    /// size. A service mapping is asked for some 110 keys by the normalizer: from 8 entries on, the index is cheaper.</summary>
    private Dictionary<string, YEntry>? _index;
    private const int IndexFrom = 8;

    public YNode? this[string key] => Find(key)?.Value;
    public YEntry? Find(string key)
    {
        if (Entries.Count >= IndexFrom)
        {
            if (_index is null)
            {
                var index = new Dictionary<string, YEntry>(Entries.Count, StringComparer.Ordinal);
                foreach (var e in Entries) index.TryAdd(e.Key.Value, e); // the first wins, as in the ordered search
                _index = index;
            }
            return _index.GetValueOrDefault(key);
        }
        // By index: a foreach over the interface would allocate an enumerator per lookup.
        for (var i = 0; i < Entries.Count; i++)
            if (Entries[i].Key.Value == key) return Entries[i];
        return null;
    }
    public override YNode WithTag(string? tag) => new YMapping(Start, Entries, tag);
}

public sealed class YSequence(SourcePosition start, IReadOnlyList<YNode> items, string? tag = null) : YNode(start, tag)
{
    public IReadOnlyList<YNode> Items { get; } = items;
    public override string KindName => "sequence";
    public override YNode WithTag(string? tag) => new YSequence(Start, Items, tag);
}
