using System.Collections.Immutable;
using Composer.Core.IO;
using Composer.Core.Model;

namespace Composer.Core.Supervision.Develop;

/// <summary>A changed host path and where it lands in the container (null for actions that copy nothing).</summary>
public sealed record PathMapping(string HostPath, string? ContainerPath);

/// <summary>
/// One <c>develop.watch</c> rule of one service with its matchers, deciding which changed paths concern it, as
/// Compose decides: under the rule's path, matched by <c>include</c> (when given), and not ignored by the build
/// context's <c>.dockerignore</c>, editors' temporary files, <c>.git</c> directories or the rule's <c>ignore</c>.
/// Pure: the <c>.dockerignore</c> text is read by the caller.
/// </summary>
public sealed class WatchTrigger
{
    private readonly DockerIgnore _ignore;
    private readonly DockerIgnore? _include;
    private readonly DockerIgnore _contextIgnore;
    private readonly string? _context;

    /// <summary>Temporary and backup files of common editors (JetBrains, Emacs, Vim, Kate) and Go's umask probe: never a change worth acting on.</summary>
    private static readonly DockerIgnore Ephemeral = DockerIgnore.Parse(string.Join('\n',
        "**/*___jb_old___", "**/*___jb_tmp___", "**/.idea/**", "**/.#*", "**/#*#",
        "**/4913", "**/*~", "**/.*.swp", "**/.*.swx", "**/.*.swo", "**/.*.swn", "**/.*.kate-swp", "**/*-go-tmp-umask"));

    public WatchTrigger(string service, int index, WatchRule rule, string? buildContext, string? contextDockerIgnore)
    {
        Service = service;
        Index = index;
        Rule = rule;
        _ignore = DockerIgnore.Parse(string.Join('\n', rule.Ignore));
        _include = rule.Include.IsEmpty ? null : DockerIgnore.Parse(string.Join('\n', rule.Include));
        _context = buildContext is null ? null : Path.TrimEndingDirectorySeparator(buildContext);
        _contextIgnore = DockerIgnore.Parse(contextDockerIgnore ?? "");
    }

    public string Service { get; }
    /// <summary>The rule's position among the service's rules (an exec runs once per rule and batch).</summary>
    public int Index { get; }
    public WatchRule Rule { get; }

    /// <summary>The mapping for a changed path, or null when this rule does not concern it.</summary>
    public PathMapping? Match(string hostPath)
    {
        if (Relative(Rule.Path, hostPath) is not { } relative) return null;
        if (_include is not null && !_include.Excludes(relative)) return null;
        if (IsIgnored(hostPath, relative)) return null;
        string? target = null;
        if (Rule.Target is { } t)
            target = relative.Length == 0 ? t : $"{t.TrimEnd('/')}/{relative}";
        return new PathMapping(hostPath, target);
    }

    private bool IsIgnored(string hostPath, string relative)
    {
        if (relative.Split('/').Contains(".git")) return true;
        if (Ephemeral.Excludes(hostPath.TrimStart('/'))) return true;
        if (_context is not null && Relative(_context, hostPath) is { Length: > 0 } inContext && _contextIgnore.Excludes(inContext)) return true;
        return relative.Length > 0 && _ignore.Excludes(relative);
    }

    /// <summary>The path below <paramref name="root"/> with forward slashes ("" for the root itself); null when outside it.</summary>
    public static string? Relative(string root, string path)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        if (path == root) return "";
        if (!path.StartsWith(root + "/", StringComparison.Ordinal)) return null;
        return path[(root.Length + 1)..];
    }
}

/// <summary>What one batch of changes asks for, per service, in the order Compose acts: rebuild, sync, restart, exec.</summary>
public sealed record ChangePlan
{
    public ImmutableSortedSet<string> Rebuild { get; init; } = ImmutableSortedSet<string>.Empty;
    /// <summary>Service → the paths to copy or remove, each container path once (the last change wins).</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<PathMapping>> Sync { get; init; } = ImmutableSortedDictionary<string, ImmutableArray<PathMapping>>.Empty;
    public ImmutableSortedSet<string> Restart { get; init; } = ImmutableSortedSet<string>.Empty;
    /// <summary>Service → the rules whose exec runs, each once however many of its files changed.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<WatchTrigger>> Exec { get; init; } = ImmutableSortedDictionary<string, ImmutableArray<WatchTrigger>>.Empty;

    public bool IsEmpty => Rebuild.IsEmpty && Sync.IsEmpty && Restart.IsEmpty && Exec.IsEmpty;

    /// <summary>Every trigger sees every path; a path can concern several rules and services.</summary>
    public static ChangePlan For(IEnumerable<string> paths, IReadOnlyList<WatchTrigger> triggers)
    {
        var rebuild = new SortedSet<string>(StringComparer.Ordinal);
        var restart = new SortedSet<string>(StringComparer.Ordinal);
        var sync = new SortedDictionary<string, Dictionary<string, PathMapping>>(StringComparer.Ordinal);
        var exec = new SortedDictionary<string, SortedDictionary<int, WatchTrigger>>(StringComparer.Ordinal);
        foreach (var path in paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            foreach (var trigger in triggers)
            {
                if (trigger.Match(path) is not { } mapping) continue;
                var service = trigger.Service;
                if (trigger.Rule.Syncs && mapping.ContainerPath is { } target)
                {
                    if (!sync.TryGetValue(service, out var files)) sync[service] = files = new Dictionary<string, PathMapping>(StringComparer.Ordinal);
                    files[target] = mapping;
                }
                switch (trigger.Rule.Action)
                {
                    case WatchAction.Rebuild: rebuild.Add(service); break;
                    case WatchAction.Restart or WatchAction.SyncRestart: restart.Add(service); break;
                    case WatchAction.SyncExec:
                        if (!exec.TryGetValue(service, out var rules)) exec[service] = rules = [];
                        rules[trigger.Index] = trigger;
                        break;
                }
            }
        }
        return new ChangePlan
        {
            Rebuild = [.. rebuild],
            Restart = [.. restart],
            Sync = sync.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Values.OrderBy(m => m.ContainerPath, StringComparer.Ordinal).ToImmutableArray(), StringComparer.Ordinal),
            Exec = exec.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Values.ToImmutableArray(), StringComparer.Ordinal),
        };
    }
}
