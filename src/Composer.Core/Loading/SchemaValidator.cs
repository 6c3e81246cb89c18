using System.Reflection;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Composer.Core.Loading;

/// <summary>
/// Validates a merged, interpolated document against <c>schemas/compose.schema.json</c> (embedded) with NJsonSchema,
/// and turns each schema error back into a diagnostic at the YAML node that caused it.
/// </summary>
public static class SchemaValidator
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream("compose.schema.json")
            ?? throw new InvalidOperationException("compose.schema.json is not embedded");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    /// <summary>
    /// Reads a schema text as the loader does. The file is the compose-spec's schema as published (draft 2020-12,
    /// definitions under "$defs"); NJsonSchema reads draft-07's "definitions", and every keyword the spec uses means the
    /// same in both drafts.
    /// </summary>
    public static JsonSchema Parse(string text) => JsonSchema.FromJsonAsync(text.Replace("\"$defs\"", "\"definitions\"", StringComparison.Ordinal)
        .Replace("\"#/$defs/", "\"#/definitions/", StringComparison.Ordinal)).GetAwaiter().GetResult();

    public static string SchemaText
    {
        get
        {
            using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream("compose.schema.json")!;
            return new StreamReader(stream).ReadToEnd();
        }
    }

    private sealed record Origin(YNode Node, string Path);

    public static void Validate(YNode document, DiagnosticBag diagnostics)
    {
        if (!PassesFastPath(document)) ValidateFully(document, diagnostics);
    }

    /// <summary>
    /// True when the quick pass over the YAML tree finds the document valid (most are): no JSON, no error objects, and
    /// nothing to report. False says nothing yet: <see cref="ValidateFully"/> decides, and reports.
    /// </summary>
    public static bool PassesFastPath(YNode document)
    {
        if (!SchemaFastPath.IsValid(document)) return false;
        if (CrossCheck) ThrowIfNJsonSchemaDisagrees(document);
        return true;
    }

    /// <summary>Compiles the fast path's schema now (it is compiled once, on first use): for another thread, while this one parses.</summary>
    public static void Prepare() => SchemaFastPath.Prepare();

    /// <summary>Set by the unit tests: every document the fast path passes is also validated by NJsonSchema.</summary>
    internal static bool CrossCheck { get; set; }

    private static void ThrowIfNJsonSchemaDisagrees(YNode document)
    {
        var full = new DiagnosticBag();
        ValidateFully(document, full, trustFastPath: false);
        if (full.HasErrors)
            throw new InvalidOperationException("the schema fast path passed a document NJsonSchema rejects: " + string.Join("; ", full.Errors.Select(e => e.Message)));
    }

    /// <summary>NJsonSchema's judgement, every error reported at its position (also for tests of the fast path).</summary>
    internal static void ValidateFully(YNode document, DiagnosticBag diagnostics, bool trustFastPath = true)
    {
        // Services are most of a large file and independent of each other. A body the fast path passes against the
        // service definition has no error for NJsonSchema to find, so it is not converted or validated again: one
        // typo in a 1,000-service file costs NJsonSchema one service, not a thousand.
        var passed = trustFastPath ? ServicesTheFastPathPasses(document) : [];
        var json = ToJson(document, "", passed);
        // The others are validated against the service definition in parallel, and the rest of the document with each
        // service body left empty. Errors are reported in document order, so diagnostics stay deterministic.
        var services = (json as JObject)?["services"] as JObject;
        var all = services?.Properties().Where(p => p.Value is JObject).Select(p => (Property: p, Body: (JObject)p.Value)).ToList() ?? [];
        var bodies = all.Where(b => !passed.Contains(b.Body.Annotation<Origin>()!.Node)).ToList();
        var serviceSchema = Schema.Value.Definitions.TryGetValue("service", out var definition) ? definition : null;
        // (Split by how many services there are, not by how many are left, so the diagnostics are the same either way.)
        if (serviceSchema is null || all.Count < 2)
        {
            foreach (var error in Schema.Value.Validate(json)) Report(error, diagnostics);
            return;
        }
        var serviceErrors = new ICollection<ValidationError>[bodies.Count];
        Parallel.For(0, bodies.Count, i => serviceErrors[i] = serviceSchema.Validate(bodies[i].Body));
        foreach (var (property, body) in bodies)
        {
            var placeholder = new JObject();
            foreach (var origin in body.Annotations<Origin>()) placeholder.AddAnnotation(origin);
            property.Value = placeholder;
        }
        foreach (var error in Schema.Value.Validate(json)) Report(error, diagnostics);
        foreach (var errors in serviceErrors)
            foreach (var error in errors) Report(error, diagnostics);
    }

    /// <summary>The service bodies (mappings) the fast path passes against the service definition, when there are several services.</summary>
    private static HashSet<YNode> ServicesTheFastPathPasses(YNode document)
    {
        var passed = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        if (document is not YMapping root || root["services"] is not YMapping { Entries.Count: >= 2 } services) return passed;
        foreach (var entry in services.Entries)
            if (entry.Value is YMapping body && SchemaFastPath.IsValid(body, "service")) passed.Add(body);
        if (CrossCheck && passed.Count > 0)
        {
            // The tests' check of the fast path, service by service: NJsonSchema must agree with every body it passed.
            var serviceSchema = Schema.Value.Definitions["service"];
            foreach (var body in passed)
                if (serviceSchema.Validate(ToJson(body, "")) is { Count: > 0 } errors)
                    throw new InvalidOperationException($"the schema fast path passed a service NJsonSchema rejects ({body.Start}): " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
        }
        return passed;
    }

    private static void Report(ValidationError error, DiagnosticBag diagnostics)
    {
        var origin = OriginOf(error.Token);
        var at = origin?.Node.Start;
        var path = origin?.Path ?? error.Path ?? "";
        var where = path.Length == 0 ? "top level" : path;
        switch (error.Kind)
        {
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
            {
                var key = error.Property ?? "?";
                var parentPath = origin is null ? "" : ParentPath(origin.Path);
                if (origin?.Node is YMapping parentMap && parentMap.Find(key) is { } entry)
                {
                    at = entry.Key.Start;
                    parentPath = origin.Path;
                }
                var allowed = error.Schema?.ActualSchema.Properties.Keys ?? [];
                var suggestion = Suggest(key, allowed);
                var patternOnly = allowed.Count == 0;
                var message = patternOnly
                    ? $"{Describe(parentPath)}: '{key}' is not a valid name here"
                    : $"{Describe(parentPath)}: '{key}' is not allowed here" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?");
                diagnostics.Error("schema.unknown-key", message, at);
                return;
            }
            case ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf when error is ChildSchemaValidationError child:
            {
                // Report the branch whose type matches what the user wrote; if none does, say what would.
                var token = error.Token;
                foreach (var (branch, branchErrors) in child.Errors)
                {
                    if (branchErrors.Count == 0) continue;
                    if (branch.ActualSchema.Type.HasFlag(TypeOf(token)) && branchErrors.All(e => !IsTypeError(e.Kind) || !ReferenceEquals(e.Token, token)))
                    {
                        foreach (var e in branchErrors) Report(e, diagnostics);
                        return;
                    }
                }
                var expected = string.Join(" or ", child.Errors.Keys.Select(b => Describe(b.ActualSchema.Type)).Where(s => s.Length > 0).Distinct());
                diagnostics.Error("schema.type", $"{where} must be {expected}, not {origin?.Node.KindName ?? "this"}", at);
                return;
            }
            case ValidationErrorKind.AdditionalPropertiesNotValid or ValidationErrorKind.ArrayItemNotValid
                when error is ChildSchemaValidationError wrapper:
                // A wrapper around what went wrong inside a named entry (a service, a list item): report the inner errors.
                foreach (var inner in wrapper.Errors.Values.SelectMany(e => e)) Report(inner, diagnostics);
                return;
            case ValidationErrorKind.PropertyRequired:
                diagnostics.Error("schema.required", $"{where}: '{error.Property}' is required", at);
                return;
            case ValidationErrorKind.NotInEnumeration:
            {
                var values = string.Join(", ", error.Schema?.ActualSchema.Enumeration.Select(v => $"'{v}'") ?? []);
                diagnostics.Error("schema.enum", $"{where} must be one of {values}; got '{(origin?.Node as YScalar)?.Value}'", at);
                return;
            }
            case ValidationErrorKind.PatternMismatch when Alternatives(error.Schema?.ActualSchema.Pattern) is { } choices:
                diagnostics.Error("schema.enum", $"{where} must be one of {choices}; got '{(origin?.Node as YScalar)?.Value}'", at);
                return;
            case ValidationErrorKind.PatternMismatch:
                diagnostics.Error("schema.pattern", $"{where}: '{(origin?.Node as YScalar)?.Value ?? error.Property}' does not match the pattern {error.Schema?.ActualSchema.Pattern}", at);
                return;
            default:
                if (IsTypeError(error.Kind))
                {
                    var expected = Describe(error.Schema?.ActualSchema.Type ?? JsonObjectType.None);
                    diagnostics.Error("schema.type", $"{where} must be {(expected.Length > 0 ? expected : error.Kind.ToString())}, not {origin?.Node.KindName ?? "this"}", at);
                    return;
                }
                diagnostics.Error("schema." + error.Kind, $"{where}: {error.Kind}", at);
                return;
        }
    }

    /// <summary>
    /// The spec writes some enumerations as a pattern of alternatives (pull_policy: <c>always|never|…|every_([0-9]+[wdhms])+</c>):
    /// listed as choices, a regular expression among them shown as the form it accepts.
    /// </summary>
    private static string? Alternatives(string? pattern)
    {
        if (pattern is null || pattern.StartsWith('^') || !pattern.Contains('|')) return null;
        var parts = pattern.Split('|');
        if (!parts.Take(parts.Length - 1).All(p => p.All(c => char.IsAsciiLetterLower(c) || c == '_'))) return null;
        return string.Join(", ", parts.Select(p => p.All(c => char.IsAsciiLetterLower(c) || c == '_') ? $"'{p}'"
            : p.StartsWith("every_", StringComparison.Ordinal) ? "'every_<duration>' (like every_12h)" : p));
    }

    private static string Describe(string path) => path.Length == 0 ? "top level" : path;

    private static bool IsTypeError(ValidationErrorKind kind) => kind is ValidationErrorKind.StringExpected or
        ValidationErrorKind.IntegerExpected or ValidationErrorKind.NumberExpected or ValidationErrorKind.BooleanExpected or
        ValidationErrorKind.ArrayExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.NullExpected or
        ValidationErrorKind.NoTypeValidates;

    private static string Describe(JsonObjectType type)
    {
        var names = new List<string>();
        if (type.HasFlag(JsonObjectType.String)) names.Add("a string");
        if (type.HasFlag(JsonObjectType.Integer)) names.Add("an integer");
        else if (type.HasFlag(JsonObjectType.Number)) names.Add("a number");
        if (type.HasFlag(JsonObjectType.Boolean)) names.Add("a boolean");
        if (type.HasFlag(JsonObjectType.Array)) names.Add("a list");
        if (type.HasFlag(JsonObjectType.Object)) names.Add("a mapping");
        if (type.HasFlag(JsonObjectType.Null)) names.Add("empty");
        return string.Join(" or ", names);
    }

    private static JsonObjectType TypeOf(JToken? token) => token?.Type switch
    {
        JTokenType.Object => JsonObjectType.Object,
        JTokenType.Array => JsonObjectType.Array,
        JTokenType.String => JsonObjectType.String,
        JTokenType.Integer => JsonObjectType.Integer,
        JTokenType.Float => JsonObjectType.Number,
        JTokenType.Boolean => JsonObjectType.Boolean,
        JTokenType.Null => JsonObjectType.Null,
        _ => JsonObjectType.None,
    };

    private static Origin? OriginOf(JToken? token)
    {
        for (var t = token; t is not null; t = t.Parent)
        {
            var origin = t.Annotation<Origin>();
            if (origin is not null) return origin;
        }
        return null;
    }

    private static string ParentPath(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? "" : path[..dot];
    }

    /// <summary>The closest allowed key by edit distance, when it is close enough to be a typo.</summary>
    public static string? Suggest(string key, IEnumerable<string> allowed)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in allowed)
        {
            var d = Levenshtein(key, candidate);
            if (d < bestDistance) { best = candidate; bestDistance = d; }
        }
        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    /// <summary>Converts the YAML tree to JSON, typing plain scalars by the YAML 1.2 core schema.</summary>
    internal static JToken ToJson(YNode node, string path) => ToJson(node, path, []);

    /// <summary>As <see cref="ToJson(YNode, string)"/>, with each mapping of <paramref name="elided"/> an empty object in its place.</summary>
    private static JToken ToJson(YNode node, string path, HashSet<YNode> elided)
    {
        JToken token = node switch
        {
            YMapping m when elided.Contains(m) => new JObject(),
            YMapping m => MappingToJson(m, path, elided),
            YSequence s => new JArray(s.Items.Select((item, i) => ToJson(item, $"{path}[{i}]", elided))),
            YScalar sc => ScalarToJson(sc),
            _ => JValue.CreateNull(),
        };
        token.AddAnnotation(new Origin(node, path));
        return token;
    }

    private static JObject MappingToJson(YMapping m, string path, HashSet<YNode> elided)
    {
        var obj = new JObject();
        foreach (var e in m.Entries)
        {
            var childPath = path.Length == 0 ? e.Key.Value : $"{path}.{e.Key.Value}";
            var property = new JProperty(e.Key.Value, ToJson(e.Value, childPath, elided));
            property.AddAnnotation(new Origin(e.Key, childPath));
            obj.Add(property);
        }
        return obj;
    }

    /// <summary>0x / 0o integers; one too large for a long is still a number, so the schema judges it and nothing throws.</summary>
    private static JValue RadixToJson(string digits, int radix)
    {
        var value = System.Numerics.BigInteger.Zero;
        foreach (var c in digits) value = value * radix + Convert.ToInt32(c.ToString(), 16);
        return value <= long.MaxValue ? new JValue((long)value) : new JValue((double)value);
    }

    private static JValue ScalarToJson(YScalar s) => s.Kind switch
    {
        ScalarKind.Null => JValue.CreateNull(),
        ScalarKind.Bool => new JValue(s.AsBool()!.Value),
        ScalarKind.Int when long.TryParse(s.Value, out var l) => new JValue(l),
        ScalarKind.Int => RadixToJson(s.Value[2..], s.Value.StartsWith("0x", StringComparison.Ordinal) ? 16 : 8),
        ScalarKind.Float when double.TryParse(s.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => new JValue(d),
        ScalarKind.Float => new JValue(double.NaN),
        _ => new JValue(s.Value),
    };
}
