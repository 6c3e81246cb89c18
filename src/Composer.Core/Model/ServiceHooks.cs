using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Composer.Core.Model;

/// <summary>
/// post_start and pre_stop travel with the container in one label, so every path that starts or stops it (up, start,
/// restart, stop, down, watch) runs them, with or without the compose file at hand.
/// </summary>
public static class ServiceHooks
{
    public const string LabelName = "io.composer.hooks";

    public static string? Label(ServiceRuntime runtime)
    {
        if (runtime.PostStart.IsEmpty && runtime.PreStop.IsEmpty) return null;
        var o = new JsonObject();
        if (!runtime.PostStart.IsEmpty) o["post_start"] = new JsonArray([.. runtime.PostStart.Select(ToJson)]);
        if (!runtime.PreStop.IsEmpty) o["pre_stop"] = new JsonArray([.. runtime.PreStop.Select(ToJson)]);
        return o.ToJsonString();
    }

    public static (ImmutableArray<ServiceHook> PostStart, ImmutableArray<ServiceHook> PreStop) Parse(string? label)
    {
        if (string.IsNullOrEmpty(label) || JsonNode.Parse(label) is not JsonObject o) return ([], []);
        ImmutableArray<ServiceHook> Read(string key) => o[key] is JsonArray a ? [.. a.OfType<JsonObject>().Select(FromJson)] : [];
        return (Read("post_start"), Read("pre_stop"));
    }

    private static JsonNode? ToJson(ServiceHook h)
    {
        var o = new JsonObject { ["command"] = new JsonArray([.. h.Command.Select(c => (JsonNode?)JsonValue.Create(c))]) };
        if (h.User is not null) o["user"] = h.User;
        if (h.Privileged) o["privileged"] = true;
        if (h.WorkingDir is not null) o["working_dir"] = h.WorkingDir;
        if (!h.Environment.IsEmpty) o["environment"] = new JsonObject(h.Environment.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        return o;
    }

    private static ServiceHook FromJson(JsonObject o) => new()
    {
        Command = o["command"] is JsonArray c ? [.. c.Select(x => x?.GetValue<string>() ?? "")] : [],
        User = o["user"]?.GetValue<string>(),
        Privileged = o["privileged"]?.GetValue<bool>() ?? false,
        WorkingDir = o["working_dir"]?.GetValue<string>(),
        Environment = o["environment"] is JsonObject env
            ? env.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, string>.Empty,
    };
}
