using System.Text.Json.Nodes;

namespace Composer.Core.Planning;

/// <summary>
/// Which fields of a service changed, from the canonical form (<see cref="ConfigHash.CanonicalForm"/>) stored on each
/// container in the <see cref="Label"/> label: <c>environment.PGHOST</c>, <c>image</c>, <c>command</c>.
/// </summary>
public static class ConfigDiff
{
    /// <summary>The canonical form, as compact JSON, beside Compose's hash label (the engine only has labels).</summary>
    public const string Label = "io.composer.config";

    public static IReadOnlyList<string> Diff(string? before, string after)
    {
        if (string.IsNullOrEmpty(before)) return ["(no stored configuration: made by another tool or an older Composer)"];
        JsonNode? old, now;
        try { old = JsonNode.Parse(before); now = JsonNode.Parse(after); }
        catch (System.Text.Json.JsonException) { return ["(stored configuration unreadable)"]; }
        var result = new List<string>();
        Walk("", old, now, result);
        return result;
    }

    private static void Walk(string path, JsonNode? a, JsonNode? b, List<string> result)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(kv => kv.Key).Union(ob.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
            {
                if (path.Length == 0 && key == "form") continue;
                Walk(path.Length == 0 ? key : $"{path}.{key}", oa[key], ob[key], result);
            }
            return;
        }
        if (!JsonNode.DeepEquals(a, b)) result.Add(path);
    }
}
