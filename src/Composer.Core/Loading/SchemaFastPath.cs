using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// A quick answer to "does NJsonSchema find no error in this document?", on the YAML tree itself: the schema compiled
/// once into plain nodes, no JSON tree, no error objects, no branch kept after it failed. Most files are valid, and for
/// them this is all the schema costs (about a tenth of NJsonSchema's time, and NJsonSchema is never loaded). Any other
/// answer sends the document to <see cref="SchemaValidator"/>, which reports every error at its position as before.
/// </summary>
/// <remarks>
/// Each check answers Valid, Invalid (NJsonSchema surely reports an error) or Unknown (a keyword or a case this code
/// does not judge exactly as NJsonSchema 11 does). Exactness matters inside <c>oneOf</c>, where a branch judged too
/// strictly could turn two matching branches into one: so an approximation answers Unknown, never Invalid.
/// </remarks>
internal static partial class SchemaFastPath
{
    private enum Verdict { Valid, Unknown, Invalid }

    [Flags]
    private enum Kinds { None = 0, Null = 1, Boolean = 2, Integer = 4, Number = 8, String = 16, Array = 32, Object = 64 }

    private sealed class Node
    {
        public bool Unsupported;
        public string? RefName;
        public Node? Ref;
        public Kinds Types;
        public Dictionary<string, Node>? Properties;
        public string[] Required = [];
        public (Regex Pattern, Node Schema)[] PatternProperties = [];
        public Node? AdditionalSchema;
        public bool AdditionalAllowed = true;
        public Node? Items;
        public bool UniqueItems;
        public Node[]? OneOf, AnyOf, AllOf;
        public HashSet<string>? Enum;
        public bool EnumHasNull;
        public Regex? Pattern;
        public int? MinLength, MaxLength, MinItems, MaxItems;
        public decimal? Minimum, Maximum;

        public Node Actual
        {
            get
            {
                var node = this;
                for (var hops = 0; node.Ref is not null && hops < 64; hops++) node = node.Ref;
                return node;
            }
        }
        public bool SurelyNullable => Types.HasFlag(Kinds.Null) || EnumHasNull;
        // NJsonSchema also calls a schema without a type nullable when one of its oneOf branches is: not judged here.
        public bool MaybeNullable => SurelyNullable || OneOf is not null || AnyOf is not null || AllOf is not null;
    }

    private sealed record Compiled(Node Root, Dictionary<string, Node> Definitions);

    private static readonly Lazy<Compiled?> Schema = new(() =>
    {
        try { return Compile(SchemaValidator.SchemaText); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException or OverflowException) { return null; }
    });

    public static void Prepare() => _ = Schema.Value;

    /// <summary>True only when NJsonSchema would report no error for <paramref name="document"/>.</summary>
    public static bool IsValid(YNode document) => Schema.Value is { } schema && Check(document, schema.Root) == Verdict.Valid;

    /// <summary>True only when NJsonSchema would report no error for <paramref name="node"/> against the schema's definition <paramref name="definition"/>.</summary>
    public static bool IsValid(YNode node, string definition) =>
        Schema.Value is { } schema && schema.Definitions.TryGetValue(definition, out var defined) && Check(node, defined) == Verdict.Valid;

    private static Compiled Compile(string schemaText)
    {
        using var json = JsonDocument.Parse(schemaText);
        var definitions = new Dictionary<string, Node>(StringComparer.Ordinal);
        var root = Read(json.RootElement);
        foreach (var name in new[] { "$defs", "definitions" })
            if (json.RootElement.TryGetProperty(name, out var defs) && defs.ValueKind == JsonValueKind.Object)
                foreach (var d in defs.EnumerateObject()) definitions[d.Name] = Read(d.Value);
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        Resolve(root, definitions, seen);
        foreach (var d in definitions.Values) Resolve(d, definitions, seen);
        return new Compiled(root, definitions);
    }

    private static void Resolve(Node node, Dictionary<string, Node> definitions, HashSet<Node> seen)
    {
        if (!seen.Add(node)) return;
        if (node.RefName is not null)
        {
            if (definitions.TryGetValue(node.RefName, out var target)) node.Ref = target;
            else node.Unsupported = true;
        }
        IEnumerable<Node?> children = [.. node.Properties?.Values ?? Enumerable.Empty<Node>(), .. node.PatternProperties.Select(p => p.Schema), node.AdditionalSchema,
            node.Items, .. node.OneOf ?? [], .. node.AnyOf ?? [], .. node.AllOf ?? []];
        foreach (var child in children.OfType<Node>()) Resolve(child, definitions, seen);
    }

    private static Node Read(JsonElement e)
    {
        var node = new Node();
        if (e.ValueKind == JsonValueKind.True) return node;
        if (e.ValueKind != JsonValueKind.Object) { node.Unsupported = true; return node; }
        var constraints = 0;
        foreach (var p in e.EnumerateObject())
        {
            constraints++;
            switch (p.Name)
            {
                case "$ref":
                    var path = p.Value.GetString() ?? "";
                    node.RefName = path.StartsWith("#/$defs/", StringComparison.Ordinal) ? path["#/$defs/".Length..]
                        : path.StartsWith("#/definitions/", StringComparison.Ordinal) ? path["#/definitions/".Length..] : null;
                    if (node.RefName is null) node.Unsupported = true;
                    break;
                case "type":
                    foreach (var t in p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().ToList() : [p.Value])
                        node.Types |= t.GetString() switch
                        {
                            "null" => Kinds.Null, "boolean" => Kinds.Boolean, "integer" => Kinds.Integer, "number" => Kinds.Number,
                            "string" => Kinds.String, "array" => Kinds.Array, "object" => Kinds.Object,
                            _ => Unsupported(node),
                        };
                    break;
                case "properties":
                    node.Properties = p.Value.EnumerateObject().ToDictionary(x => x.Name, x => Read(x.Value), StringComparer.Ordinal);
                    break;
                case "patternProperties":
                    node.PatternProperties = [.. p.Value.EnumerateObject().Select(x => (PatternOf(x.Name), Read(x.Value)))];
                    break;
                case "additionalProperties":
                    if (p.Value.ValueKind == JsonValueKind.False) node.AdditionalAllowed = false;
                    else if (p.Value.ValueKind == JsonValueKind.Object) node.AdditionalSchema = Read(p.Value);
                    break;
                case "required":
                    node.Required = [.. p.Value.EnumerateArray().Select(x => x.GetString()!)];
                    break;
                case "items":
                    if (p.Value.ValueKind == JsonValueKind.Object) node.Items = Read(p.Value);
                    else node.Unsupported = true; // tuples
                    break;
                case "uniqueItems": node.UniqueItems = p.Value.GetBoolean(); break;
                case "oneOf": node.OneOf = [.. p.Value.EnumerateArray().Select(Read)]; break;
                case "anyOf": node.AnyOf = [.. p.Value.EnumerateArray().Select(Read)]; break;
                case "allOf": node.AllOf = [.. p.Value.EnumerateArray().Select(Read)]; break;
                case "enum":
                    node.Enum = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var v in p.Value.EnumerateArray())
                    {
                        if (v.ValueKind == JsonValueKind.String) node.Enum.Add(v.GetString()!);
                        else if (v.ValueKind == JsonValueKind.Null) node.EnumHasNull = true;
                        else node.Unsupported = true;
                    }
                    break;
                case "pattern": node.Pattern = PatternOf(p.Value.GetString()!); break;
                case "minLength": node.MinLength = p.Value.GetInt32(); break;
                case "maxLength": node.MaxLength = p.Value.GetInt32(); break;
                case "minItems": node.MinItems = p.Value.GetInt32(); break;
                case "maxItems": node.MaxItems = p.Value.GetInt32(); break;
                case "minimum": node.Minimum = p.Value.GetDecimal(); break;
                case "maximum": node.Maximum = p.Value.GetDecimal(); break;
                case "description" or "deprecated" or "default" or "title" or "$schema" or "$id" or "$comment" or "examples" or "$defs" or "definitions":
                    constraints--;
                    break;
                default:
                    node.Unsupported = true; // a keyword not judged here: NJsonSchema decides
                    break;
            }
        }
        // NJsonSchema validates a reference by its target alone; a constraint beside "$ref" is left to it.
        if (node.RefName is not null && constraints > 1) node.Unsupported = true;
        return node;
    }

    /// <summary>
    /// The schema's patterns, the same regular expressions NJsonSchema runs: those the spec uses compiled ahead of time
    /// (NativeAOT interprets a Regex built at run time, and the schema has 67 of them, 45 of them <c>^x-</c>), any
    /// other built once per distinct text.
    /// </summary>
    private static Regex PatternOf(string pattern) => pattern switch
    {
        "^x-" => ExtensionKey(),
        "^[a-zA-Z0-9._-]+$" => ResourceKey(),
        "^.+$" => NonEmptyLine(),
        ".+" => AnyCharacter(),
        _ => Patterns.TryGetValue(pattern, out var known) ? known : Patterns[pattern] = new Regex(pattern),
    };

    private static readonly Dictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    [GeneratedRegex("^x-")]
    private static partial Regex ExtensionKey();

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex ResourceKey();

    [GeneratedRegex("^.+$")]
    private static partial Regex NonEmptyLine();

    [GeneratedRegex(".+")]
    private static partial Regex AnyCharacter();

    private static Kinds Unsupported(Node node)
    {
        node.Unsupported = true;
        return Kinds.None;
    }

    /// <summary>The JSON type NJsonSchema sees for a YAML node, as <see cref="SchemaValidator"/> converts it (null: not judged here).</summary>
    private static Kinds KindOf(YNode node, out long integer)
    {
        integer = 0;
        switch (node)
        {
            case YMapping: return Kinds.Object;
            case YSequence: return Kinds.Array;
            case YScalar s:
                switch (s.Kind)
                {
                    case ScalarKind.Null: return Kinds.Null;
                    case ScalarKind.Bool: return Kinds.Boolean;
                    case ScalarKind.Float: return Kinds.Number;
                    case ScalarKind.String: return Kinds.String;
                    case ScalarKind.Int when long.TryParse(s.Value, CultureInfo.InvariantCulture, out integer): return Kinds.Integer;
                    case ScalarKind.Int when s.Value.Length > 2 && s.Value[1] is 'x' or 'o':
                        var value = BigInteger.Zero;
                        foreach (var c in s.Value[2..]) value = value * (s.Value[1] == 'x' ? 16 : 8) + Convert.ToInt32(c.ToString(), 16);
                        if (value > long.MaxValue) return Kinds.Number;
                        integer = (long)value;
                        return Kinds.Integer;
                    default: return Kinds.None;
                }
            default: return Kinds.Null;
        }
    }

    private static Verdict And(Verdict a, Verdict b) => a > b ? a : b;

    private static Verdict Check(YNode node, Node schema)
    {
        schema = schema.Actual;
        if (schema.Unsupported) return Verdict.Unknown;
        var kind = KindOf(node, out var integer);
        if (kind == Kinds.None) return Verdict.Unknown;
        var verdict = Verdict.Valid;

        if (schema.AnyOf is { } anyOf)
        {
            // One valid branch is enough; otherwise an unjudged branch leaves it open.
            var best = Verdict.Invalid;
            foreach (var branch in anyOf)
                if ((best = (Verdict)Math.Min((int)best, (int)Check(node, branch))) == Verdict.Valid) break;
            verdict = And(verdict, best);
        }
        if (schema.AllOf is { } allOf)
            foreach (var branch in allOf) verdict = And(verdict, Check(node, branch));
        if (schema.OneOf is { } oneOf)
        {
            int valid = 0, unknown = 0;
            foreach (var branch in oneOf)
            {
                var v = Check(node, branch);
                if (v == Verdict.Valid) valid++;
                else if (v == Verdict.Unknown) unknown++;
            }
            verdict = And(verdict, unknown > 0 ? Verdict.Unknown : valid == 1 ? Verdict.Valid : Verdict.Invalid);
        }
        if (verdict == Verdict.Invalid) return verdict;

        // Type, then the constraints of the node's own kind, then enum; NJsonSchema skips these for null when the schema allows null.
        if (!(kind == Kinds.Null && schema.SurelyNullable))
        {
            var typed = And(TypeAndConstraints(node, kind, integer, schema), EnumVerdict(node, kind, integer, schema));
            if (kind == Kinds.Null && typed == Verdict.Invalid && schema.MaybeNullable) typed = Verdict.Unknown;
            verdict = And(verdict, typed);
            if (verdict == Verdict.Invalid) return verdict;
        }
        return And(verdict, PropertiesVerdict(node, schema));
    }

    private static Verdict TypeAndConstraints(YNode node, Kinds kind, long integer, Node schema)
    {
        if (schema.Types != Kinds.None)
        {
            var accepted = schema.Types.HasFlag(kind) || (kind == Kinds.Integer && schema.Types.HasFlag(Kinds.Number));
            if (!accepted) return Verdict.Invalid;
        }
        var verdict = Verdict.Valid;
        switch (node)
        {
            case YSequence seq:
                if (schema.MinItems is { } min && seq.Items.Count < min) return Verdict.Invalid;
                if (schema.MaxItems is { } max && schema.MaxItems > 0 && seq.Items.Count > max) return Verdict.Invalid;
                if (schema.UniqueItems)
                {
                    if (UniquenessKeys(seq, out var duplicate) is null) verdict = Verdict.Unknown;
                    else if (duplicate) return Verdict.Invalid;
                }
                if (schema.Items is { } items)
                    foreach (var item in seq.Items)
                        if ((verdict = And(verdict, Check(item, items))) == Verdict.Invalid) return verdict;
                return verdict;
            case YScalar s when kind == Kinds.String:
                if (schema.Pattern is { } pattern && !pattern.IsMatch(s.Value)) return Verdict.Invalid;
                if (schema.MinLength is { } minLength && s.Value.Length < minLength) return Verdict.Invalid;
                if (schema.MaxLength is { } maxLength && s.Value.Length > maxLength) return Verdict.Invalid;
                return verdict;
            case YScalar when kind == Kinds.Integer:
                if (schema.Minimum is { } minimum && integer < minimum) return Verdict.Invalid;
                if (schema.Maximum is { } maximum && integer > maximum) return Verdict.Invalid;
                return verdict;
            case YScalar when kind == Kinds.Number:
                return schema.Minimum is null && schema.Maximum is null ? verdict : Verdict.Unknown;
            default:
                return verdict;
        }
    }

    /// <summary>NJsonSchema compares enum values and array items by their text (<c>JToken.ToString()</c>).</summary>
    private static Verdict EnumVerdict(YNode node, Kinds kind, long integer, Node schema)
    {
        if (schema.Enum is not { } values) return Verdict.Valid;
        var text = kind switch
        {
            Kinds.String => ((YScalar)node).Value,
            Kinds.Integer => integer.ToString(CultureInfo.InvariantCulture),
            Kinds.Boolean => ((YScalar)node).AsBool() == true ? "True" : "False",
            _ => null,
        };
        return text is null ? Verdict.Unknown : values.Contains(text) ? Verdict.Valid : Verdict.Invalid;
    }

    /// <summary>
    /// Two items NJsonSchema calls equal get equal keys here: scalars by their JSON value's text, mappings and
    /// sequences by their typed structure (their JSON text is equal exactly when it is). Null when not judged here:
    /// floats, and a list mixing mappings or lists with a string that may spell one's JSON text (starts with { or [).
    /// </summary>
    private static HashSet<string>? UniquenessKeys(YSequence seq, out bool duplicate)
    {
        duplicate = false;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        bool bracketed = false, containers = false;
        foreach (var item in seq.Items)
        {
            var sb = new System.Text.StringBuilder();
            if (item is YMapping or YSequence) { containers = true; if (!Structure(item, sb)) return null; }
            else
            {
                switch (KindOf(item, out var integer))
                {
                    case Kinds.String:
                        var text = ((YScalar)item).Value;
                        bracketed |= text.StartsWith('{') || text.StartsWith('[');
                        sb.Append(text);
                        break;
                    case Kinds.Integer: sb.Append(integer.ToString(CultureInfo.InvariantCulture)); break;
                    case Kinds.Boolean: sb.Append(((YScalar)item).AsBool() == true ? "True" : "False"); break;
                    case Kinds.Null: break;
                    default: return null;
                }
            }
            if (bracketed && containers) return null;
            if (!keys.Add(sb.ToString())) duplicate = true;
        }
        return keys;
    }

    private static bool Structure(YNode node, System.Text.StringBuilder sb)
    {
        switch (node)
        {
            case YMapping m:
                sb.Append('{');
                foreach (var e in m.Entries)
                {
                    Text(sb, e.Key.Value);
                    if (!Structure(e.Value, sb)) return false;
                }
                sb.Append('}');
                return true;
            case YSequence s:
                sb.Append('[');
                foreach (var item in s.Items)
                    if (!Structure(item, sb)) return false;
                sb.Append(']');
                return true;
            default:
                switch (KindOf(node, out var integer))
                {
                    case Kinds.String: sb.Append('s'); Text(sb, ((YScalar)node).Value); return true;
                    case Kinds.Integer: sb.Append('i').Append(integer.ToString(CultureInfo.InvariantCulture)).Append(';'); return true;
                    case Kinds.Boolean: sb.Append(((YScalar)node).AsBool() == true ? "T" : "F"); return true;
                    case Kinds.Null: sb.Append('n'); return true;
                    default: return false;
                }
        }
    }

    // Length-prefixed, so no two different structures write the same text.
    private static void Text(System.Text.StringBuilder sb, string value) => sb.Append(value.Length).Append(':').Append(value);

    private static Verdict PropertiesVerdict(YNode node, Node schema)
    {
        if (node is not YMapping map)
        {
            // NJsonSchema applies "required" to any value that is not an object, unless the schema allows null.
            if (schema.Types.HasFlag(Kinds.Null)) return Verdict.Valid;
            var requiresAny = schema.Required.Length > 0;
            return requiresAny ? Verdict.Invalid : Verdict.Valid;
        }
        var verdict = Verdict.Valid;
        foreach (var required in schema.Required)
            if (map.Find(required) is null) return Verdict.Invalid;
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            var declared = false;
            if (schema.Properties is { } properties && properties.TryGetValue(key, out var property))
            {
                declared = true;
                verdict = And(verdict, PropertyVerdict(entry.Value, property));
                if (verdict == Verdict.Invalid) return verdict;
            }
            var matched = false;
            foreach (var (pattern, patternSchema) in schema.PatternProperties)
            {
                if (!pattern.IsMatch(key)) continue;
                matched = true;
                verdict = And(verdict, Check(entry.Value, patternSchema));
                if (verdict == Verdict.Invalid) return verdict;
                break; // the first pattern that matches, as NJsonSchema
            }
            if (declared || matched) continue;
            if (schema.AdditionalSchema is { } additional)
            {
                verdict = And(verdict, Check(entry.Value, additional));
                if (verdict == Verdict.Invalid) return verdict;
            }
            else if (!schema.AdditionalAllowed) return Verdict.Invalid;
        }
        return verdict;
    }

    /// <summary>A declared property: NJsonSchema skips a null value when the property's schema allows null.</summary>
    private static Verdict PropertyVerdict(YNode value, Node property)
    {
        var actual = property.Actual;
        var isNull = value is YScalar { Kind: ScalarKind.Null } || value is not (YScalar or YMapping or YSequence);
        if (isNull && actual.SurelyNullable) return Verdict.Valid;
        var verdict = Check(value, property);
        return isNull && verdict == Verdict.Invalid && actual.MaybeNullable ? Verdict.Unknown : verdict;
    }
}
