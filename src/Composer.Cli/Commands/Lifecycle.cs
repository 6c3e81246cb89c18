using System.CommandLine;
using Composer.Core.Engine;
using Composer.Docker;

namespace Composer.Cli.Commands;

internal static class Lifecycle
{
    public static Argument<string[]> Services() => new("SERVICE") { Arity = ArgumentArity.ZeroOrMore };

    public static async Task<(DockerEngine Engine, ObservedState Observed, string[] Services)> ObserveAsync(GlobalOptions global, ParseResult parse, Argument<string[]> services, CancellationToken ct)
    {
        var (name, project) = global.ResolveProject(parse);
        var wanted = parse.GetValue(services) ?? [];
        if (project is not null)
            foreach (var s in wanted.Where(s => !project.Services.ContainsKey(s)))
                throw new UsageException($"no such service: {s}");
        var engine = await GlobalOptions.ConnectAsync(ct);
        return (engine, await engine.ObserveAsync(new ObserveRequest(name), ct), wanted);
    }

    /// <summary>The project's lock, for the commands that change it (start, stop, restart, kill, rm).</summary>
    public static Task<ProjectLock> LockAsync(GlobalOptions global, ParseResult parse, CancellationToken ct)
    {
        var (name, _) = global.ResolveProject(parse);
        return ProjectLock.AcquireAsync(name, ct);
    }

    public static TimeSpan? Timeout(ParseResult parse, Option<int?> timeout) => parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null;
}
