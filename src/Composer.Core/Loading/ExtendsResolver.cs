using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// <c>extends</c>, as compose-go's loader/extends.go: a service is its base (in this file or in <c>extends.file</c>)
/// with its own keys merged over it by the override rules. <c>extends.file</c> is relative to the loader's working
/// directory (the project directory, or an include's project directory) in the file being loaded, and to the
/// extended file's own directory inside an extended file.
/// </summary>
internal sealed class ExtendsResolver(DocumentLoader loader, IReadOnlyDictionary<string, string> variables, string rootPath, YMapping rootServices, string workingDirectory)
{
    public static YMapping Apply(DocumentLoader loader, YMapping document, string path, IReadOnlyDictionary<string, string> variables, string workingDirectory)
    {
        if (document["services"] is not YMapping services || !services.Entries.Any(e => e.Value is YMapping m && m.Find("extends") is not null))
            return document;
        var resolver = new ExtendsResolver(loader, variables, path, services, workingDirectory);
        var resolved = services.Entries.Select(e => new YEntry(e.Key, resolver.Resolve(path, e.Key.Value, [], e.Key.Start) ?? e.Value)).ToList();
        return new YMapping(document.Start, [.. document.Entries.Select(e => e.Key.Value == "services" ? new YEntry(e.Key, new YMapping(services.Start, resolved, services.Tag)) : e)], document.Tag);
    }

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
                    other = DocumentLoader.Absolute(file == rootPath ? workingDirectory : Path.GetDirectoryName(file) ?? "/", fs.Value);
                }
                return ok ? (other, service.Value, service.Start) : null;
            }
            default:
                Diagnostics.Error("extends.type", $"extends must be a service name or a mapping with 'service' and 'file', not {value.KindName}", value.Start);
                return null;
        }
    }
}
