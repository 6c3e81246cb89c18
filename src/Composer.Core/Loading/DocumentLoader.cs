using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// Loads one compose file into a single document: parse (positions kept), interpolate, then <c>include</c> (other
/// files whose resources join this one) and <c>extends</c> (a service built on another, in this file or another).
/// Paths from other files are made absolute against their own directory, so every later stage sees one document whose
/// relative paths all belong to the project directory.
/// </summary>
internal sealed class DocumentLoader(IFileSource files, DiagnosticBag diagnostics, bool interpolate)
{
    private DiagnosticBag Diagnostics => diagnostics;

    /// <summary>A bound on include nesting, beyond any real project, so a pathological tree cannot run away.</summary>
    private const int MaxIncludeDepth = 32;

    private static readonly string[] Sections = ["services", "networks", "volumes", "secrets", "configs"];
    private static readonly string[] IncludeKeys = ["path", "project_directory", "env_file"];

    /// <summary>Parsed, interpolated documents by path and variable set, so a file extended many times is read once.</summary>
    private readonly Dictionary<(string Path, IReadOnlyDictionary<string, string> Variables), YMapping?> _parsed = [];

    public YMapping? Load(string path, IReadOnlyDictionary<string, string> variables, string baseDirectory, IReadOnlyList<string> includeChain, SourcePosition? referencedFrom)
    {
        var document = Parse(path, variables, referencedFrom);
        if (document is null) return null;
        document = ApplyIncludes(document, path, variables, baseDirectory, [.. includeChain, path]);
        return ApplyExtends(document, path, variables);
    }

    /// <summary>Reads, parses and interpolates one file; null (with a diagnostic) when that is not possible.</summary>
    private YMapping? Parse(string path, IReadOnlyDictionary<string, string> variables, SourcePosition? referencedFrom)
    {
        if (_parsed.TryGetValue((path, variables), out var cached)) return cached;
        YMapping? result = null;
        string? text;
        try { text = files.ReadAllText(path); }
        catch (InputFileException e)
        {
            diagnostics.Error("file.unreadable", e.Message, referencedFrom);
            _parsed[(path, variables)] = null;
            return null;
        }
        if (text is null)
            diagnostics.Error("config.missing-file", $"open {path}: no such file or directory", referencedFrom);
        else
        {
            var document = YamlReader.Parse(text, path, diagnostics);
            switch (document)
            {
                case null when !diagnostics.Errors.Any(d => d.Position?.File == path):
                case YScalar { IsNull: true }:
                    diagnostics.Error("config.empty", "empty compose file: expected a mapping with at least 'services'", new SourcePosition(path, 1, 1));
                    break;
                case null:
                    break;
                case YMapping m:
                    result = interpolate ? (YMapping)YamlTransforms.Interpolate(m, Lookup(variables), diagnostics) : m;
                    break;
                default:
                    diagnostics.Error("config.top-level", $"top-level object must be a mapping, not {document.KindName}", document.Start);
                    break;
            }
        }
        _parsed[(path, variables)] = result;
        return result;
    }

    private static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> variables) => name => variables.TryGetValue(name, out var v) ? v : null;

    // ---- include ---------------------------------------------------------------------------------------------------

    private YMapping ApplyIncludes(YMapping document, string path, IReadOnlyDictionary<string, string> variables, string baseDirectory, IReadOnlyList<string> chain)
    {
        var include = document.Find("include");
        if (include is null) return document;
        var entries = document.Entries.Where(e => e.Key.Value != "include").ToList();
        if (include.Value is YScalar { IsNull: true }) return new YMapping(document.Start, entries, document.Tag);
        if (include.Value is not YSequence items)
        {
            diagnostics.Error("include.type", $"include must be a list of paths or of mappings with 'path', not {include.Value.KindName}", include.Value.Start);
            return new YMapping(document.Start, entries, document.Tag);
        }
        foreach (var item in items.Items)
        {
            var included = Include(item, variables, baseDirectory, chain);
            if (included is null) continue;
            foreach (var section in Sections)
            {
                if (included[section] is not YMapping imported) continue;
                var index = entries.FindIndex(e => e.Key.Value == section);
                var own = index >= 0 ? entries[index].Value as YMapping : null;
                var merged = own?.Entries.ToList() ?? [];
                foreach (var entry in imported.Entries)
                {
                    var clash = merged.FirstOrDefault(e => e.Key.Value == entry.Key.Value);
                    if (clash is null) merged.Add(entry);
                    else diagnostics.Error("include.conflict",
                        $"{section}.{entry.Key.Value} conflicts with the definition imported from {entry.Key.Start.File} (line {entry.Key.Start.Line}); rename one of them",
                        clash.Key.Start);
                }
                var node = new YMapping(own?.Start ?? imported.Start, merged, own?.Tag);
                if (index >= 0) entries[index] = new YEntry(entries[index].Key, node);
                else entries.Add(new YEntry(new YScalar(item.Start, section, false), node));
            }
        }
        return new YMapping(document.Start, entries, document.Tag);
    }

    /// <summary>One include item (short or long form): its files merged, resolved and rebased; null on error.</summary>
    private YMapping? Include(YNode item, IReadOnlyDictionary<string, string> variables, string baseDirectory, IReadOnlyList<string> chain)
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
                    diagnostics.Error("include.unknown-key", $"include: '{e.Key.Value}' is not allowed here" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"), e.Key.Start);
                    ok = false;
                }
                var p = StringList(m["path"], "include.path");
                if (m["path"] is null)
                {
                    diagnostics.Error("include.path", "include: 'path' is required", m.Start);
                    return null;
                }
                if (p is null or { Count: 0 }) ok = false;
                if (m["project_directory"] is { } pd)
                {
                    projectDirectoryNode = pd as YScalar;
                    if (projectDirectoryNode is null || projectDirectoryNode.IsNull)
                    {
                        diagnostics.Error("include.project_directory", $"include.project_directory must be a string, not {pd.KindName}", pd.Start);
                        ok = false;
                    }
                }
                if (m["env_file"] is { } ef && (envFiles = StringList(ef, "include.env_file")) is null) ok = false;
                if (!ok) return null;
                paths = p!;
                break;
            }
            default:
                diagnostics.Error("include.type", $"an include item must be a path or a mapping with 'path', not {item.KindName}", item.Start);
                return null;
        }

        var resolved = paths.Select(p => (Node: p, Path: Absolute(baseDirectory, p.Value))).ToList();
        var main = resolved[0];
        if (chain.Contains(main.Path))
        {
            var cycle = chain.SkipWhile(c => c != main.Path).Append(main.Path);
            diagnostics.Error("include.cycle", $"include cycle: {string.Join(" -> ", cycle)}", main.Node.Start);
            return null;
        }
        if (chain.Count >= MaxIncludeDepth)
        {
            diagnostics.Error("include.depth", $"includes are nested more than {MaxIncludeDepth} deep", main.Node.Start);
            return null;
        }
        var projectDirectory = projectDirectoryNode is null
            ? Path.GetDirectoryName(main.Path) ?? baseDirectory
            : Absolute(baseDirectory, projectDirectoryNode.Value);

        // The included project sees the including one's variables, overlaid by its own env files (.env by default).
        var own = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        var envPaths = envFiles is null
            ? [(Node: (YScalar?)null, Path: Path.Combine(projectDirectory, ".env"))]
            // Like 'path', an explicit env_file is relative to the including file's directory.
            : envFiles.Select(e => (Node: (YScalar?)e, Path: Absolute(baseDirectory, e.Value))).ToList();
        foreach (var (node, envPath) in envPaths)
        {
            var text = files.ReadAllText(envPath);
            if (text is null)
            {
                if (node is not null) diagnostics.Error("include.env_file", $"couldn't find env file: {envPath}", node.Start);
                continue;
            }
            var (values, error) = EnvFile.Parse(text, k => own.TryGetValue(k, out var v) ? v : null);
            if (error is not null) diagnostics.Error("env-file.syntax", error.Message, new SourcePosition(envPath, error.Line, error.Column));
            foreach (var v in values) if (v.Value is not null) own[v.Key] = v.Value;
        }

        YNode? merged = null;
        foreach (var (node, path) in resolved)
        {
            var document = Load(path, own, projectDirectory, chain, node.Start);
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
                diagnostics.Error($"{what}.type", $"{what} must be a string or a list of strings", node.Start);
                return null;
        }
    }

    private static string Absolute(string directory, string path) => Path.GetFullPath(Path.Combine(directory, path));

    // ---- extends ---------------------------------------------------------------------------------------------------

    private YMapping ApplyExtends(YMapping document, string path, IReadOnlyDictionary<string, string> variables)
    {
        if (document["services"] is not YMapping services || !services.Entries.Any(e => e.Value is YMapping m && m.Find("extends") is not null))
            return document;
        var resolver = new ExtendsResolver(this, variables, path, services);
        var resolved = services.Entries.Select(e => new YEntry(e.Key, resolver.Resolve(path, e.Key.Value, [], e.Key.Start) ?? e.Value)).ToList();
        return new YMapping(document.Start, [.. document.Entries.Select(e => e.Key.Value == "services" ? new YEntry(e.Key, new YMapping(services.Start, resolved, services.Tag)) : e)], document.Tag);
    }

    private sealed class ExtendsResolver(DocumentLoader loader, IReadOnlyDictionary<string, string> variables, string rootPath, YMapping rootServices)
    {
        private readonly Dictionary<(string File, string Service), YNode> _resolved = [];
        private DiagnosticBag Diagnostics => loader.Diagnostics;

        private YMapping? ServicesOf(string file, SourcePosition? from)
        {
            if (file == rootPath) return rootServices;
            var document = loader.Parse(file, variables, from);
            if (document is null) return null;
            if (document["services"] is YMapping services) return services;
            Diagnostics.Error("extends.no-services", $"{file} has no services to extend", document.Start);
            return null;
        }

        /// <summary>The service with every <c>extends</c> above it merged in; null when it cannot be found.</summary>
        public YNode? Resolve(string file, string name, IReadOnlyList<(string File, string Service)> chain, SourcePosition? from)
        {
            (string File, string Service) key = (file, name);
            if (_resolved.TryGetValue(key, out var done)) return done;
            if (chain.Contains(key))
            {
                var cycle = chain.SkipWhile(c => c != key).Append(key).Select(c => c.File == rootPath ? c.Service : $"{c.Service} ({c.File})");
                Diagnostics.Error("extends.cycle", $"extends cycle: {string.Join(" -> ", cycle)}", from);
                return null;
            }
            var services = ServicesOf(file, from);
            if (services is null) return null;
            var entry = services.Find(name);
            if (entry is null)
            {
                Diagnostics.Error("extends.undefined", $"cannot extend service \"{name}\": no such service in {file}", from);
                return null;
            }
            if (entry.Value is not YMapping service || service.Find("extends") is not { } extends)
            {
                _resolved[key] = entry.Value;
                return entry.Value;
            }
            var own = new YMapping(service.Start, [.. service.Entries.Where(e => e.Key.Value != "extends")], service.Tag);
            var result = (YNode)own;
            if (Target(extends.Value, file) is var (baseFile, baseName, at))
            {
                var baseService = Resolve(baseFile, baseName, [.. chain, key], at);
                if (baseService is YMapping b)
                {
                    if (baseFile != file) b = PathRebase.Service(b, Path.GetDirectoryName(baseFile) ?? "/");
                    var merged = (YMapping)YamlTransforms.Merge(b, own, $"services.{name}");
                    // The extending service is where the user looks; point at it, not at its base.
                    result = new YMapping(service.Start, merged.Entries, service.Tag);
                }
            }
            _resolved[key] = result;
            return result;
        }

        private (string File, string Service, SourcePosition At)? Target(YNode value, string file)
        {
            switch (value)
            {
                case YScalar s when !s.IsNull:
                    return (file, s.Value, s.Start);
                case YMapping m:
                {
                    var ok = true;
                    foreach (var e in m.Entries.Where(e => e.Key.Value is not ("service" or "file")))
                    {
                        var suggestion = SchemaValidator.Suggest(e.Key.Value, ["service", "file"]);
                        Diagnostics.Error("extends.unknown-key", $"extends: '{e.Key.Value}' is not allowed here" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"), e.Key.Start);
                        ok = false;
                    }
                    if (m["service"] is not YScalar { IsNull: false } service)
                    {
                        Diagnostics.Error("extends.service", "extends: 'service' is required and must be a string", (m["service"] ?? m).Start);
                        return null;
                    }
                    var other = file;
                    if (m["file"] is { } f)
                    {
                        if (f is not YScalar { IsNull: false } fs)
                        {
                            Diagnostics.Error("extends.file", $"extends.file must be a string, not {f.KindName}", f.Start);
                            return null;
                        }
                        other = Absolute(Path.GetDirectoryName(file) ?? "/", fs.Value);
                    }
                    return ok ? (other, service.Value, service.Start) : null;
                }
                default:
                    Diagnostics.Error("extends.type", $"extends must be a service name or a mapping with 'service' and 'file', not {value.KindName}", value.Start);
                    return null;
            }
        }
    }
}

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
