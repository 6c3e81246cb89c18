using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// <c>include</c>, as compose-go's loader/include.go: each item is a project of its own (its files merged, its paths
/// resolved against its project directory, its variables overlaid by its env files) whose resources join the
/// including file. A resource the including file also defines is merged, the including file's definition winning;
/// the same file included twice adds nothing new.
/// </summary>
internal sealed class IncludeLoader(DocumentLoader loader)
{
    /// <summary>A bound on include nesting, beyond any real project, so a pathological tree cannot run away.</summary>
    private const int MaxIncludeDepth = 32;

    private static readonly string[] Sections = ["services", "networks", "volumes", "secrets", "configs", "models"];
    private static readonly string[] IncludeKeys = ["path", "project_directory", "env_file"];

    private DiagnosticBag Diagnostics => loader.Diagnostics;

    public YMapping Apply(YMapping document, IReadOnlyDictionary<string, string> variables, string workingDirectory, IReadOnlyList<string> chain)
    {
        var include = document.Find("include");
        if (include is null) return document;
        var entries = document.Entries.Where(e => e.Key.Value != "include").ToList();
        if (include.Value is YScalar { IsNull: true }) return new YMapping(document.Start, entries, document.Tag);
        if (include.Value is not YSequence items)
        {
            Diagnostics.Error("include.type", $"include must be a list of paths or of mappings with 'path', not {include.Value.KindName}", include.Value.Start);
            return new YMapping(document.Start, entries, document.Tag);
        }
        foreach (var item in items.Items)
        {
            var included = Include(item, variables, workingDirectory, chain);
            if (included is null) continue;
            foreach (var section in Sections)
            {
                if (included[section] is not YMapping imported) continue;
                var index = entries.FindIndex(e => e.Key.Value == section);
                var own = index >= 0 ? entries[index].Value as YMapping : null;
                var merged = own?.Entries.ToList() ?? [];
                foreach (var entry in imported.Entries)
                {
                    var at = merged.FindIndex(e => e.Key.Value == entry.Key.Value);
                    if (at < 0) merged.Add(entry);
                    // Defined here too: the imported definition is the base, this file's overrides it.
                    else merged[at] = new YEntry(merged[at].Key, YamlTransforms.Merge(entry.Value, merged[at].Value, $"{section}.{entry.Key.Value}"));
                }
                var node = new YMapping(own?.Start ?? imported.Start, merged, own?.Tag);
                if (index >= 0) entries[index] = new YEntry(entries[index].Key, node);
                else entries.Add(new YEntry(new YScalar(item.Start, section, false), node));
            }
        }
        return new YMapping(document.Start, entries, document.Tag);
    }

    /// <summary>One include item (short or long form): its files merged, resolved and rebased; null on error.</summary>
    private YMapping? Include(YNode item, IReadOnlyDictionary<string, string> variables, string workingDirectory, IReadOnlyList<string> chain)
    {
        List<YScalar> paths;
        YScalar? projectDirectoryNode = null;
        List<YScalar>? envFiles = null;
        switch (item)
        {
            case YScalar s when !s.IsNull:
                paths = [s];
                break;
            case YMapping m:
            {
                var ok = true;
                foreach (var e in m.Entries.Where(e => !IncludeKeys.Contains(e.Key.Value)))
                {
                    var suggestion = SchemaValidator.Suggest(e.Key.Value, IncludeKeys);
                    Diagnostics.Error("include.unknown-key", $"include: '{e.Key.Value}' is not allowed here" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"), e.Key.Start);
                    ok = false;
                }
                var p = StringList(m["path"], "include.path");
                if (m["path"] is null)
                {
                    Diagnostics.Error("include.path", "include: 'path' is required", m.Start);
                    return null;
                }
                if (p is null or { Count: 0 }) ok = false;
                if (m["project_directory"] is { } pd)
                {
                    projectDirectoryNode = pd as YScalar;
                    if (projectDirectoryNode is null || projectDirectoryNode.IsNull)
                    {
                        Diagnostics.Error("include.project_directory", $"include.project_directory must be a string, not {pd.KindName}", pd.Start);
                        ok = false;
                    }
                }
                if (m["env_file"] is { } ef && (envFiles = StringList(ef, "include.env_file")) is null) ok = false;
                if (!ok) return null;
                paths = p!;
                break;
            }
            default:
                Diagnostics.Error("include.type", $"an include item must be a path or a mapping with 'path', not {item.KindName}", item.Start);
                return null;
        }

        var resolved = paths.Select(p => (Node: p, Path: DocumentLoader.Absolute(workingDirectory, p.Value))).ToList();
        var main = resolved[0];
        if (chain.Contains(main.Path))
        {
            var cycle = chain.SkipWhile(c => c != main.Path).Append(main.Path);
            Diagnostics.Error("include.cycle", $"include cycle: {string.Join(" -> ", cycle)}", main.Node.Start);
            return null;
        }
        if (chain.Count >= MaxIncludeDepth)
        {
            Diagnostics.Error("include.depth", $"includes are nested more than {MaxIncludeDepth} deep", main.Node.Start);
            return null;
        }
        var projectDirectory = projectDirectoryNode is null
            ? Path.GetDirectoryName(main.Path) ?? workingDirectory
            : DocumentLoader.Absolute(workingDirectory, projectDirectoryNode.Value);

        // The included project sees the including one's variables and, for names those leave unset, its own env files
        // (.env by default): as compose-go merges them, the including project's value wins.
        var own = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        var fromFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var envPaths = envFiles is null
            ? [(Node: (YScalar?)null, Path: Path.Combine(projectDirectory, ".env"))]
            // Like 'path', an explicit env_file is relative to the including project's directory.
            : envFiles.Where(e => e.Value != "/dev/null").Select(e => (Node: (YScalar?)e, Path: DocumentLoader.Absolute(workingDirectory, e.Value))).ToList();
        foreach (var (node, envPath) in envPaths)
        {
            var text = loader.Files.ReadAllText(envPath);
            if (text is null)
            {
                if (node is not null) Diagnostics.Error("include.env_file", $"couldn't find env file: {envPath}", node.Start);
                continue;
            }
            var (values, error) = EnvFile.Parse(text, k => variables.TryGetValue(k, out var v) ? v : fromFiles.GetValueOrDefault(k));
            if (error is not null) Diagnostics.Error("env-file.syntax", error.Message, new SourcePosition(envPath, error.Line, error.Column));
            foreach (var v in values) if (v.Value is not null) fromFiles[v.Key] = v.Value;
        }
        foreach (var (key, value) in fromFiles) own.TryAdd(key, value);

        YNode? merged = null;
        foreach (var (node, path) in resolved)
        {
            var document = loader.Load(path, own, projectDirectory, chain, node.Start);
            if (document is null) continue;
            merged = merged is null ? document : YamlTransforms.Merge(merged, document);
        }
        return merged is YMapping result ? PathRebase.Document(result, projectDirectory) : null;
    }

    private List<YScalar>? StringList(YNode? node, string what)
    {
        switch (node)
        {
            case YScalar s when !s.IsNull: return [s];
            case YSequence q when q.Items.All(i => i is YScalar { IsNull: false }): return [.. q.Items.Cast<YScalar>()];
            case null: return null;
            default:
                Diagnostics.Error($"{what}.type", $"{what} must be a string or a list of strings", node.Start);
                return null;
        }
    }
}
