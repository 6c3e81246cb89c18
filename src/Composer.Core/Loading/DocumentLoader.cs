using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;

namespace Composer.Core.Loading;

/// <summary>
/// Loads one compose file into a single document: parse (positions kept; several YAML documents merge in order),
/// interpolate, then <c>include</c> (<see cref="IncludeLoader"/>: other projects whose resources join this one) and
/// <c>extends</c> (<see cref="ExtendsResolver"/>: a service built on another). Paths from other files are made absolute
/// (<see cref="PathRebase"/>), so every later stage sees one document whose relative paths belong to the project
/// directory. The split follows compose-go's loader: include.go, extends.go and paths/.
/// </summary>
internal sealed class DocumentLoader(IFileSource files, DiagnosticBag diagnostics, bool interpolate, LoadTimings? timings = null)
{
    public DiagnosticBag Diagnostics => diagnostics;
    /// <summary>Whether a file read so far tags a node <c>!reset</c> or <c>!override</c>.</summary>
    public bool MergeTagged { get; private set; }
    public IFileSource Files => files;

    /// <summary>Parsed, interpolated documents by path and variable set, so a file extended many times is read once.</summary>
    private readonly Dictionary<(string Path, IReadOnlyDictionary<string, string> Variables), YMapping?> _parsed = [];

    /// <param name="path">The file.</param>
    /// <param name="variables">What interpolation sees.</param>
    /// <param name="workingDirectory">
    /// The directory relative include paths, env files and <c>extends.file</c> of this file are resolved against: the
    /// project directory (for an included file, the include's project directory), as compose-go's resource loader.
    /// </param>
    /// <param name="includeChain">The files that included this one, to find cycles.</param>
    /// <param name="referencedFrom">Where the file was named, for a missing file's error.</param>
    public YMapping? Load(string path, IReadOnlyDictionary<string, string> variables, string workingDirectory, IReadOnlyList<string> includeChain, SourcePosition? referencedFrom)
    {
        var document = Parse(path, variables, referencedFrom);
        if (document is null) return null;
        document = new IncludeLoader(this).Apply(document, variables, workingDirectory, [.. includeChain, path]);
        return ExtendsResolver.Apply(this, document, path, variables, workingDirectory);
    }

    /// <summary>
    /// Reads, parses and interpolates one file; an empty file is an empty mapping (Compose accepts an empty override
    /// file; a project with nothing at all is refused later). Null (with a diagnostic) when it cannot be read.
    /// </summary>
    public YMapping? Parse(string path, IReadOnlyDictionary<string, string> variables, SourcePosition? referencedFrom)
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
        timings?.Lap("read");
        if (text is null)
            diagnostics.Error("config.missing-file", $"open {path}: no such file or directory", referencedFrom);
        else
        {
            var errorsBefore = diagnostics.Errors.Count();
            var documents = YamlReader.ParseAll(text, path, diagnostics, out var mergeTagged);
            MergeTagged |= mergeTagged;
            timings?.Lap("parse");
            if (diagnostics.Errors.Count() == errorsBefore)
            {
                result = new YMapping(new SourcePosition(path, 1, 1), []);
                foreach (var document in documents)
                {
                    switch (document)
                    {
                        case YScalar { IsNull: true }:
                            continue;
                        case YMapping m:
                            var ready = interpolate ? (YMapping)YamlTransforms.Interpolate(m, Lookup(variables), diagnostics) : m;
                            timings?.Lap("interpolate");
                            ready = TypeCasts.Apply(ready, diagnostics);
                            timings?.Lap("typecasts");
                            result = result.Entries.Count == 0 ? ready : (YMapping)YamlTransforms.Merge(result, ready);
                            continue;
                        default:
                            diagnostics.Error("config.top-level", $"top-level object must be a mapping, not {document.KindName}", document.Start);
                            result = null;
                            break;
                    }
                    break;
                }
            }
        }
        _parsed[(path, variables)] = result;
        return result;
    }

    private static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> variables) => name => variables.TryGetValue(name, out var v) ? v : null;

    public static string Absolute(string directory, string path) => Path.GetFullPath(Path.Combine(directory, path));
}
