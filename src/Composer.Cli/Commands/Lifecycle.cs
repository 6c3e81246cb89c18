using System.CommandLine;
using Composer.Core.UseCases;

namespace Composer.Cli.Commands;

internal static class Lifecycle
{
    public static Argument<string[]> Services() => new("SERVICE") { Arity = ArgumentArity.ZeroOrMore };

    public static TimeSpan? Timeout(ParseResult parse, Option<int?> timeout) => parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null;

    public static int Exit(bool succeeded) => succeeded ? ExitCodes.Ok : ExitCodes.Failure;

    /// <summary>Loads the project once, connects, and runs one use case with the named services.</summary>
    public static Task<int> RunAsync(GlobalOptions global, ParseResult parse, Argument<string[]> services, CancellationToken ct,
        Func<ComposeActions, ProjectTarget, string[], Task<bool>> action) => ComposerApp.Guard(async () =>
    {
        var wanted = parse.GetValue(services) ?? [];
        var target = global.ResolveTarget(parse, wanted);
        using var actions = await CompositionRoot.ConnectAsync(global, parse, ct);
        return Exit(await action(actions, target, wanted));
    });
}
