using Composer.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Composer.Core.Loading.Yaml;

/// <summary>
/// Parses YAML text into a positioned <see cref="YNode"/> tree with YamlDotNet's event parser. Rejects what Compose
/// files must not contain (duplicate keys, tab indentation, alias bombs) with a diagnostic that names line and column,
/// and applies merge keys (<c>&lt;&lt;: *base</c>), which compose files use a lot with <c>x-</c> fragments.
/// </summary>
public static class YamlReader
{
    /// <summary>Upper bound on nodes materialised through aliases, so a "billion laughs" file fails fast.</summary>
    public const int MaxAliasExpansion = 100_000;

    /// <summary>Upper bound on nesting: far beyond any real compose file, well within the stack of every later stage.</summary>
    public const int MaxDepth = 128;

    /// <summary>The file's one document (null when it has none); a file with several is read as <see cref="ParseAll"/>.</summary>
    public static YNode? Parse(string text, string file, DiagnosticBag diagnostics)
    {
        var documents = ParseAll(text, file, diagnostics);
        return documents is [var only] ? only : documents.Count == 0 ? null : documents[0];
    }

    /// <summary>
    /// Every document of the file, in order (Compose merges them as if each were a further <c>-f</c> file); empty
    /// when the file has no document or cannot be read (then with a diagnostic).
    /// </summary>
    public static List<YNode> ParseAll(string text, string file, DiagnosticBag diagnostics) => ParseAll(text, file, diagnostics, out _);

    /// <param name="text">The file's text.</param>
    /// <param name="file">Its path, for positions.</param>
    /// <param name="diagnostics">Where its errors go.</param>
    /// <param name="mergeTagged">Whether a node is tagged <c>!reset</c> or <c>!override</c> (without, <see cref="MergeTags"/> has nothing to do).</param>
    public static List<YNode> ParseAll(string text, string file, DiagnosticBag diagnostics, out bool mergeTagged)
    {
        mergeTagged = false;
        var builder = new Builder(file, diagnostics);
        var documents = new List<YNode>();
        try
        {
            var parser = new Parser(new Scanner(new StringReader(text), skipComments: true));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var root = parser.Accept<DocumentEnd>(out _) ? null : builder.Read(parser, out _);
                parser.Consume<DocumentEnd>();
                if (root is not null) documents.Add(root);
            }
            parser.Consume<StreamEnd>();
            mergeTagged = builder.MergeTagged;
            return documents;
        }
        catch (AliasBombException e)
        {
            diagnostics.Error("yaml.alias-expansion", $"aliases expand to more than {MaxAliasExpansion} nodes", e.At);
            return [];
        }
        catch (TooDeepException e)
        {
            diagnostics.Error("yaml.depth", $"values are nested more than {MaxDepth} levels deep", e.At);
            return [];
        }
        catch (YamlException e)
        {
            diagnostics.Add(Describe(text, file, e));
            return [];
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner fails this way on some malformed input; it is still the file's fault, not ours.
            diagnostics.Error("yaml.syntax", $"invalid YAML: {e.Message.TrimEnd('.')}", builder.LastPosition ?? new SourcePosition(file, 1, 1));
            return [];
        }
    }

    private static Diagnostic Describe(string text, string file, YamlException e)
    {
        var at = Pos(file, e.Start);
        // YamlDotNet's own words for a tab are obscure, and its mark may be the enclosing mapping: point at the tab.
        for (var n = at.Line; n <= at.Line + 1000; n++)
        {
            var line = GetLine(text, n);
            if (line is null) break;
            if (line.TrimEnd().Length > 0 && line[..(line.Length - line.TrimStart().Length)].Contains('\t'))
                return Diagnostic.Error("yaml.tab", "tabs are not allowed for indentation in YAML; use spaces", new SourcePosition(file, n, line.IndexOf('\t') + 1));
            if (n > at.Line && !e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase)) break;
        }
        var message = e.Message;
        var paren = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && paren > 0) message = message[(paren + 3)..];
        return Diagnostic.Error("yaml.syntax", $"invalid YAML: {message.TrimEnd('.')}", at);
    }

    private static string? GetLine(string text, int line)
    {
        using var reader = new StringReader(text);
        for (var i = 1; ; i++)
        {
            var l = reader.ReadLine();
            if (l is null) return null;
            if (i == line) return l;
        }
    }

    internal static SourcePosition Pos(string file, Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    private sealed class AliasBombException(SourcePosition at) : Exception
    {
        public SourcePosition At { get; } = at;
    }

    private sealed class TooDeepException(SourcePosition at) : Exception
    {
        public SourcePosition At { get; } = at;
    }

    private sealed class Builder(string file, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, (YNode Node, int Size)> _anchors = new(StringComparer.Ordinal);
        private long _expanded;
        private int _depth;
        public SourcePosition? LastPosition { get; private set; }
        public bool MergeTagged { get; private set; }

        /// <param name="size">Nodes the value stands for (an alias: its anchor's), counted against alias bombs.</param>
        public YNode Read(IParser parser, out int size)
        {
            var ev = parser.Current ?? throw new YamlException("unexpected end of YAML");
            var at = Pos(file, ev.Start);
            LastPosition = at;
            if (_depth >= MaxDepth) throw new TooDeepException(at);
            _depth++;
            try { return ReadNode(parser, ev, at, out size); }
            finally { _depth--; }
        }

        private YNode ReadNode(IParser parser, ParsingEvent ev, SourcePosition at, out int size)
        {
            switch (ev)
            {
                case AnchorAlias alias:
                {
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        throw new YamlException(ev.Start, ev.End, $"alias *{alias.Value.Value} names no anchor");
                    _expanded += target.Size;
                    if (_expanded > MaxAliasExpansion) throw new AliasBombException(at);
                    size = target.Size;
                    return target.Node;
                }
                case Scalar scalar:
                {
                    parser.MoveNext();
                    var quoted = scalar.Style is not ScalarStyle.Plain;
                    var node = new YScalar(at, scalar.Value, quoted, TagOf(scalar.Tag));
                    size = 1;
                    return Remember(scalar.Anchor, node, size);
                }
                case SequenceStart seq:
                {
                    parser.MoveNext();
                    var items = new List<YNode>();
                    size = 1;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        var item = Read(parser, out var itemSize);
                        size += itemSize;
                        items.Add(item);
                    }
                    return Remember(seq.Anchor, new YSequence(at, items, TagOf(seq.Tag)), size);
                }
                case MappingStart map:
                {
                    parser.MoveNext();
                    var entries = new List<YEntry>();
                    // Most mappings are small: their keys are searched in order, and an index is made only for a large one.
                    Dictionary<string, YEntry>? byKey = null;
                    List<YEntry>? merged = null;
                    size = 1;
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyNode = Read(parser, out _);
                        var value = Read(parser, out var valueSize);
                        size += valueSize + 1;
                        if (keyNode is not YScalar key)
                        {
                            diagnostics.Error("yaml.complex-key", "mapping keys must be scalars", keyNode.Start);
                            continue;
                        }
                        if (!key.Quoted && key.Tag is null && key.Kind is not ScalarKind.String)
                        {
                            // Compose reads keys as strings only: `123:` or `true:` is an error, not a key "123".
                            diagnostics.Error("yaml.non-string-key", $"non-string key: {key.Value} is {(key.Kind is ScalarKind.Int or ScalarKind.Float ? "a number" : key.KindName == "boolean" ? "a boolean" : "null")}; quote it to use it as a name", key.Start);
                            continue;
                        }
                        if (key.Value == "<<" && !key.Quoted)
                        {
                            CollectMerge(value, merged ??= []);
                            continue;
                        }
                        if (Find(entries, ref byKey, key.Value) is { } previous)
                        {
                            diagnostics.Error("yaml.duplicate-key",
                                $"duplicate key '{key.Value}' (first defined at line {previous.Key.Start.Line}, column {previous.Key.Start.Column})",
                                key.Start);
                            continue;
                        }
                        var entry = new YEntry(key, value);
                        byKey?.Add(key.Value, entry);
                        entries.Add(entry);
                    }
                    // Explicit keys win over merged ones; earlier merge sources win over later ones (YAML merge-key rules).
                    if (merged is not null)
                    {
                        var explicitCount = entries.Count;
                        foreach (var m in merged)
                            if (Find(entries, ref byKey, m.Key.Value, explicitCount) is null) entries.Add(m);
                    }
                    return Remember(map.Anchor, new YMapping(at, entries, TagOf(map.Tag)), size);
                }
                default:
                    throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
            }
        }

        private const int IndexFrom = 16;

        /// <summary>The entry with <paramref name="key"/> among the first <paramref name="count"/> (all by default), indexed once there are many.</summary>
        private static YEntry? Find(List<YEntry> entries, ref Dictionary<string, YEntry>? index, string key, int count = int.MaxValue)
        {
            count = Math.Min(count, entries.Count);
            if (index is null && count >= IndexFrom)
            {
                index = new Dictionary<string, YEntry>(StringComparer.Ordinal);
                for (var i = 0; i < count; i++) index[entries[i].Key.Value] = entries[i];
            }
            if (index is not null) return index.GetValueOrDefault(key);
            for (var i = 0; i < count; i++)
                if (entries[i].Key.Value == key) return entries[i];
            return null;
        }

        private void CollectMerge(YNode value, List<YEntry> merged)
        {
            var sources = value switch
            {
                YMapping m => [m],
                YSequence s when s.Items.All(i => i is YMapping) => s.Items.Cast<YMapping>().ToList(),
                _ => null,
            };
            if (sources is null)
            {
                diagnostics.Error("yaml.merge", "a merge key '<<' takes a mapping or a list of mappings", value.Start);
                return;
            }
            foreach (var source in sources)
                foreach (var e in source.Entries)
                    if (merged.All(x => x.Key.Value != e.Key.Value)) merged.Add(e);
        }

        private YNode Remember(AnchorName anchor, YNode node, int size)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = (node, size);
            return node;
        }

        private string? TagOf(TagName tag)
        {
            if (tag.IsEmpty || tag.IsNonSpecific) return null;
            var value = tag.Value;
            if (value is MergeTags.Reset or MergeTags.Override) MergeTagged = true;
            return value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) ? "!!" + value["tag:yaml.org,2002:".Length..] : value;
        }
    }
}
