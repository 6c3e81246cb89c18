using System.Collections.Immutable;
using Composer.Core.Diagnostics;
using Composer.Core.Graph;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

public sealed record LoadResult(Project? Project, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Success => Project is not null && Diagnostics.All(d => d.Severity != Severity.Error);
    public Project GetProjectOrThrow() => Success ? Project! : throw new ComposeFileException(Diagnostics);
}

/// <summary>
/// The loading pipeline: find files → parse (positions kept) → interpolate → merge → validate against the schema →
/// normalize → profiles → dependency graph. Reads files only through <see cref="IFileSource"/>; a document that
/// <paramref name="validated"/> already knows as valid is not validated again; <paramref name="timings"/>, when given,
/// is told where the time went.
/// </summary>
public sealed partial class ProjectLoader(IFileSource? files = null, IValidationCache? validated = null, LoadTimings? timings = null)
{
    public static readonly ImmutableArray<string> DefaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
    private static readonly string[] OverrideFileNames = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];

    private readonly IFileSource _files = files ?? DiskFileSource.Instance;

    public LoadResult Load(ProjectOptions options)
    {
        var diagnostics = new DiagnosticBag();
        Project? project;
        try { project = LoadCore(options, diagnostics); }
        catch (InputFileException e)
        {
            // An .env or env_file that cannot be read (compose files are reported where they are read, with the rest).
            diagnostics.Error("file.unreadable", e.Message);
            project = null;
        }
        return new LoadResult(diagnostics.HasErrors ? null : project, diagnostics.Items);
    }

    /// <summary>Finds the compose files: -f, else COMPOSE_FILE, else the default names here or in a parent directory.</summary>
    public IReadOnlyList<string> FindConfigFiles(ProjectOptions options, DiagnosticBag diagnostics)
    {
        var cwd = options.WorkingDirectory;
        if (!options.ConfigFiles.IsEmpty) return [.. options.ConfigFiles.Select(f => f == "-" ? f : Path.GetFullPath(Path.Combine(cwd, f)))];
        if (options.Environment.TryGetValue("COMPOSE_FILE", out var fromEnv) && fromEnv.Length > 0)
        {
            var separator = options.Environment.TryGetValue("COMPOSE_PATH_SEPARATOR", out var sep) && sep.Length > 0 ? sep : ":";
            return [.. fromEnv.Split(separator, StringSplitOptions.RemoveEmptyEntries).Select(f => Path.GetFullPath(Path.Combine(cwd, f)))];
        }
        for (var dir = cwd; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var found = DefaultFileNames.Select(n => Path.Combine(dir, n)).FirstOrDefault(_files.FileExists);
            if (found is null) continue;
            var result = new List<string> { found };
            var overrideFile = OverrideFileNames.Select(n => Path.Combine(dir, n)).FirstOrDefault(_files.FileExists);
            if (overrideFile is not null) result.Add(overrideFile);
            return result;
        }
        diagnostics.Error("config.not-found", $"no configuration file provided: not found (looked for {string.Join(", ", DefaultFileNames)} in {cwd} and its parents)");
        return [];
    }

    private Project? LoadCore(ProjectOptions options, DiagnosticBag diagnostics)
    {
        var configFiles = FindConfigFiles(options, diagnostics);
        if (configFiles.Count == 0) return null;
        // The schema's compilation for the fast path does not depend on the files: the second core does it meanwhile.
        _ = Task.Run(SchemaValidator.Prepare);
        var projectDirectory = options.ProjectDirectory is { } pd
            ? Path.GetFullPath(Path.Combine(options.WorkingDirectory, pd))
            : Path.GetDirectoryName(configFiles[0]) ?? options.WorkingDirectory;

        var variables = ReadVariables(options, projectDirectory, diagnostics);
        // The project name is known before interpolation, which sees it as COMPOSE_PROJECT_NAME (as compose-go does).
        // It is read from the files' text, which the parse then takes as it is rather than reading the files again.
        var composeFiles = new ReadOnce(_files);
        var name = ProjectName(options, configFiles, variables, projectDirectory, composeFiles, diagnostics);
        if (name is null) return null;
        variables = new Dictionary<string, string>(variables, StringComparer.Ordinal) { ["COMPOSE_PROJECT_NAME"] = name };
        string? Lookup(string key) => variables.TryGetValue(key, out var v) ? v : null;

        timings?.Lap("files+env+name");
        var documents = new DocumentLoader(composeFiles, diagnostics, options.Interpolate, timings);
        YNode? merged = null;
        foreach (var file in configFiles)
        {
            // Every file is read even after an error in another, so all their problems are reported together.
            var document = documents.Load(file, variables, projectDirectory, [], null);
            if (document is not null) merged = merged is null ? document : YamlTransforms.Merge(merged, document);
            timings?.Lap("include+extends+merge");
        }
        // Without a !reset or !override tag in any file, resolving them would only walk the whole tree to change nothing.
        if (diagnostics.HasErrors || merged is null || (documents.MergeTagged ? MergeTags.Resolve(merged) : merged) is not YMapping root) return null;
        if (root.Entries.Count == 0)
        {
            diagnostics.Error("config.empty", "empty compose file: expected a mapping with at least 'services'", new SourcePosition(configFiles[0], 1, 1));
            return null;
        }

        // The schema's fast path and the normalizer only read the tree: the fast path runs on the second core meanwhile.
        // What the checks and the normalizer find counts once the document is known valid; an invalid one reports its
        // schema errors alone, as if nothing had run after the schema.
        var fastPath = Task.Run(() => SchemaValidator.PassesFastPath(root));
        var checks = new DiagnosticBag();
        var context = new NormalizerContext(projectDirectory, configFiles, Lookup, _files.ReadAllText) { DiscardEnvFiles = options.DiscardEnvFiles };
        var normalizing = new DiagnosticBag();
        Project? project = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failed = null;
        try
        {
            // (A failure here is reported only for a valid document: an invalid one may hold any shape.)
            CanonicalChecks.Run(root, checks);
            if (!checks.HasErrors) project = new Normalizer(context, normalizing).Normalize(root, name);
        }
        catch (Exception e) { failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
        timings?.Lap("normalize");
        var passed = fastPath.GetAwaiter().GetResult();
        timings?.Lap("schema");
        if (!passed && !ValidateBeyondFastPath(root, diagnostics)) return null;
        foreach (var d in checks.Items) diagnostics.Add(d);
        if (diagnostics.HasErrors) return null;
        failed?.Throw();
        if (project is null) return null;
        var acting = ActedOn(project, options);
        ReportForSelection(normalizing, acting, diagnostics);
        if (diagnostics.HasErrors) return null;
        project = ExtensionFields.Attach(project, root);

        // Profiles first, then the consistency checks, as Compose: a disabled service neither clashes nor is checked.
        project = Profiles.Apply(project, options, variables, root["services"] as YMapping, diagnostics);
        new SemanticChecks(project, root["services"] as YMapping, diagnostics, acting, options.CheckContainerNames).Run();
        if (diagnostics.HasErrors) return null;
        project = HostsLoader.Apply(project, root, diagnostics);
        if (diagnostics.HasErrors) return null;
        timings?.Lap("profiles+checks");
        var positions = (root["services"] as YMapping)?.Entries.ToDictionary(e => e.Key.Value, e => e.Key.Start) ?? [];
        DependencyGraph.Build(project, diagnostics, positions);
        timings?.Lap("graph");
        return project;
    }

    /// <summary>
    /// Schema validation of a document the fast path did not pass, false when it is invalid (the errors reported). The fast path passes most documents
    /// for less than it costs to fingerprint them, and passes them again next time: the validation cache is asked about,
    /// and told of, only documents it does not pass, the ones NJsonSchema would take hundreds of milliseconds over.
    /// </summary>
    private bool ValidateBeyondFastPath(YMapping root, DiagnosticBag diagnostics)
    {
        var fingerprint = validated is null ? null : ValidationFingerprint.Of(root);
        var known = fingerprint is not null && validated!.Contains(fingerprint);
        timings?.Lap("fingerprint");
        if (known) return true;
        SchemaValidator.ValidateFully(root, diagnostics);
        timings?.Lap("schema");
        if (diagnostics.HasErrors) return false;
        if (fingerprint is not null) validated!.Add(fingerprint);
        timings?.Lap("cache-write");
        return true;
    }

    /// <summary>The shell's variables over those of <c>.env</c> (or of each --env-file, in order).</summary>
    private IReadOnlyDictionary<string, string> ReadVariables(ProjectOptions options, string projectDirectory, DiagnosticBag diagnostics)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFiles = options.EnvFiles.IsEmpty
            ? [Path.Combine(projectDirectory, ".env")]
            : options.EnvFiles.Select(f => Path.GetFullPath(Path.Combine(options.WorkingDirectory, f))).ToList();
        foreach (var path in envFiles)
        {
            var text = _files.ReadAllText(path);
            if (text is null)
            {
                if (!options.EnvFiles.IsEmpty) diagnostics.Error("env-file.missing", $"couldn't find env file: {path}");
                continue;
            }
            var (entries, error) = EnvFile.Parse(text, k => options.Environment.TryGetValue(k, out var v) ? v : variables.GetValueOrDefault(k));
            if (error is not null) diagnostics.Error("env-file.syntax", error.Message, new SourcePosition(path, error.Line, error.Column));
            foreach (var e in entries)
                if (e.Value is not null) variables[e.Key] = e.Value;
        }
        foreach (var (k, v) in options.Environment) variables[k] = v;
        return variables;
    }

    /// <summary>
    /// The services a command acts on: those named on the command line and what they depend on; null (all) when none
    /// is named. Compose resolves env files and checks container_name unicity only for these.
    /// </summary>
    private static HashSet<string>? ActedOn(Project project, ProjectOptions options)
    {
        if (options.SelectedServices.IsEmpty) return null;
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(options.SelectedServices);
        while (pending.TryPop(out var service))
            if (needed.Add(service) && project.Services.TryGetValue(service, out var s))
                foreach (var dependency in s.DependsOn.Keys) pending.Push(dependency);
        return needed;
    }

    /// <summary>The normalizer's findings, but for a missing env_file of a service the command does not act on.</summary>
    private static void ReportForSelection(DiagnosticBag found, HashSet<string>? needed, DiagnosticBag diagnostics)
    {
        foreach (var d in found.Items)
        {
            if (needed is not null && d.Code == "service.env-file" && d.Message.StartsWith("services.", StringComparison.Ordinal) &&
                d.Message.IndexOf(".env_file:", StringComparison.Ordinal) is > 9 and var end && !needed.Contains(d.Message[9..end]))
                continue;
            diagnostics.Add(d);
        }
    }

    private static string? ProjectName(ProjectOptions options, IReadOnlyList<string> configFiles, IReadOnlyDictionary<string, string> variables, string projectDirectory, IFileSource files, DiagnosticBag diagnostics)
    {
        // -p and COMPOSE_PROJECT_NAME are taken as given, so they must be valid; a name from the file or directory is normalized.
        var imperative = options.ProjectName ?? (options.Environment.TryGetValue("COMPOSE_PROJECT_NAME", out var env) && env.Length > 0 ? env : null);
        if (imperative is { } explicitName) return Checked(explicitName, null);
        // The last file that names the project wins, its name interpolated.
        string? fromFiles = null;
        foreach (var file in configFiles)
            if (TopLevelName(ReadOrNull(file)) is { } raw)
                fromFiles = options.Interpolate ? Interpolation.Apply(raw, k => variables.GetValueOrDefault(k)).Value ?? raw : raw;
        if (fromFiles is not null && Project.NormalizeName(fromFiles) is { Length: > 0 } fromFile) return Checked(fromFile, null);
        var fromDir = Project.NormalizeName(Path.GetFileName(projectDirectory.TrimEnd('/')));
        if (fromDir.Length > 0) return Checked(fromDir, null);
        diagnostics.Error("project.name", $"project name can't be empty: the directory name \"{projectDirectory}\" has no usable character; use -p");
        return null;

        // An unreadable file is reported when it is parsed, with its position; here it just names nothing.
        string? ReadOrNull(string file)
        {
            try { return files.ReadAllText(file); }
            catch (InputFileException) { return null; }
        }

        string? Checked(string name, SourcePosition? at)
        {
            if (Project.NameProblem(name) is not { } problem) return name;
            diagnostics.Error("project.name", problem, at);
            return null;
        }
    }

    /// <summary>Each file's text read once for one load (a file that cannot be read is tried, and fails, again). One thread only.</summary>
    private sealed class ReadOnce(IFileSource files) : IFileSource
    {
        private readonly Dictionary<string, string?> _texts = new(StringComparer.Ordinal);

        public string? ReadAllText(string path)
        {
            if (!_texts.TryGetValue(path, out var text)) _texts[path] = text = files.ReadAllText(path);
            return text;
        }

        public bool FileExists(string path) => files.FileExists(path);
    }

    /// <summary>
    /// The top-level <c>name:</c> of a compose file, read from its one line without parsing the whole file (which
    /// interpolation, still to come, needs the name for). A name in flow style or over several lines is not seen.
    /// </summary>
    internal static string? TopLevelName(string? text)
    {
        if (text is null) return null;
        string? found = null;
        foreach (System.Text.RegularExpressions.Match m in TopLevelNameLine().Matches(text))
        {
            var bag = new DiagnosticBag();
            if (YamlReader.Parse("name:" + m.Groups[1].Value, "name", bag) is YMapping { } map && map["name"] is YScalar { IsNull: false } scalar)
                found = scalar.Value;
        }
        return found;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^name[ \t]*:([^\r\n]*)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex TopLevelNameLine();
}

/// <summary>Profiles: a service with profiles runs only when one of them is enabled or when it is named explicitly.</summary>
internal static class Profiles
{
    public static Project Apply(Project project, ProjectOptions options, IReadOnlyDictionary<string, string> variables, YMapping? serviceNodes, DiagnosticBag diagnostics)
    {
        var active = new HashSet<string>(options.Profiles, StringComparer.Ordinal);
        if (active.Count == 0 && variables.TryGetValue("COMPOSE_PROFILES", out var env))
            active.UnionWith(env.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var all = active.Contains("*");
        foreach (var name in options.SelectedServices)
        {
            if (project.Services.TryGetValue(name, out var s)) active.UnionWith(s.Profiles);
            else diagnostics.Error("profiles.no-such-service", $"no such service: {name}", serviceNodes?.Start);
        }
        bool Enabled(Service s) => s.Profiles.IsEmpty || all || s.Profiles.Any(active.Contains);
        // Usually every service is enabled: nothing to take out, check or rebuild.
        if (project.Services.Values.All(Enabled)) return project with { DisabledServices = project.Services.Clear() };
        var enabled = project.Services.Where(kv => Enabled(kv.Value)).ToImmutableSortedDictionary(StringComparer.Ordinal);
        var disabled = project.Services.Where(kv => !Enabled(kv.Value)).ToImmutableSortedDictionary(StringComparer.Ordinal);
        foreach (var service in enabled.Values)
        {
            // depends_on holds the implicit dependencies too (links, network_mode: service:x, volumes_from).
            var required = service.DependsOn.Where(d => d.Value.Required).Select(d => d.Key);
            foreach (var dep in required.Where(disabled.ContainsKey))
                diagnostics.Error("profiles.disabled-dependency",
                    $"service \"{service.Name}\" depends on service \"{dep}\", which is disabled by its profiles ({string.Join(", ", disabled[dep].Profiles)})",
                    (serviceNodes?[service.Name])?.Start);
        }
        // An optional dependency on a disabled service is dropped, as Compose does.
        enabled = enabled.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.DependsOn.Keys.Any(disabled.ContainsKey)
            ? kv.Value with { DependsOn = kv.Value.DependsOn.RemoveRange(kv.Value.DependsOn.Keys.Where(d => disabled.ContainsKey(d) && !kv.Value.DependsOn[d].Required)) }
            : kv.Value, StringComparer.Ordinal);
        return project with { Services = enabled, DisabledServices = disabled };
    }
}
