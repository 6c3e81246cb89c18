using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// Makes the relative paths of a document absolute against its own directory, for documents that join a project
/// whose relative paths belong elsewhere (an included file, a service extended from another file).
/// </summary>
internal static class PathRebase
{
    public static YMapping Document(YMapping document, string directory) => Map(document, (key, value) => key switch
    {
        "services" when value is YMapping services => Map(services, (_, s) => s is YMapping m ? Service(m, directory) : s),
        "secrets" or "configs" when value is YMapping objects => Map(objects, (_, o) => o is YMapping m ? Map(m, (k, v) => k == "file" ? PathValue(v, directory) : v) : o),
        _ => value,
    });

    public static YMapping Service(YMapping service, string directory) => Map(service, (key, value) => (key, value) switch
    {
        ("build", YScalar) => PathValue(value, directory, allowUrl: true),
        ("build", YMapping b) => Map(b, (k, v) => k == "context" ? PathValue(v, directory, allowUrl: true) : v),
        ("env_file", YScalar) => PathValue(value, directory),
        ("env_file", YSequence q) => new YSequence(q.Start, [.. q.Items.Select(i => i is YMapping m ? Map(m, (k, v) => k == "path" ? PathValue(v, directory) : v) : PathValue(i, directory))], q.Tag),
        ("volumes", YSequence q) => new YSequence(q.Start, [.. q.Items.Select(i => Volume(i, directory))], q.Tag),
        _ => value,
    });

    private static YNode Volume(YNode item, string directory)
    {
        switch (item)
        {
            case YScalar s when s.Value.StartsWith('.'):
            {
                var colon = s.Value.IndexOf(':');
                var source = colon < 0 ? s.Value : s.Value[..colon];
                return new YScalar(s.Start, Path.GetFullPath(Path.Combine(directory, source)) + (colon < 0 ? "" : s.Value[colon..]), s.Quoted, s.Tag);
            }
            case YMapping m when m["type"] is YScalar { Value: "bind" }:
                return Map(m, (k, v) => k == "source" ? PathValue(v, directory) : v);
            default:
                return item;
        }
    }

    private static YNode PathValue(YNode node, string directory, bool allowUrl = false)
    {
        if (node is not YScalar s || s.IsNull || s.Value.Length == 0 || Path.IsPathRooted(s.Value) || s.Value.StartsWith('~')) return node;
        if (allowUrl && (s.Value.Contains("://", StringComparison.Ordinal) || s.Value.StartsWith("git@", StringComparison.Ordinal))) return node;
        return new YScalar(s.Start, Path.GetFullPath(Path.Combine(directory, s.Value)), true, s.Tag);
    }

    private static YMapping Map(YMapping m, Func<string, YNode, YNode> f) =>
        new(m.Start, [.. m.Entries.Select(e => new YEntry(e.Key, f(e.Key.Value, e.Value)))], m.Tag);
}
