using System.Collections.Immutable;

namespace Composer.Core.Model;

/// <summary>What <c>develop.watch</c> does when a file under a rule's path changes (Compose's watch actions).</summary>
public enum WatchAction
{
    /// <summary>Copy the changed files into the service's containers (remove the ones deleted on the host).</summary>
    Sync,
    /// <summary>Sync, then restart the service's containers.</summary>
    SyncRestart,
    /// <summary>Sync, then run the rule's <c>exec</c> command in each container.</summary>
    SyncExec,
    /// <summary>Build the service's image again and recreate its containers.</summary>
    Rebuild,
    /// <summary>Restart the service's containers.</summary>
    Restart,
}

/// <summary>One <c>develop.watch</c> rule of a service, its path resolved against the project directory.</summary>
public sealed record WatchRule
{
    /// <summary>Absolute host path (a directory, watched recursively, or one file).</summary>
    public required string Path { get; init; }
    public required WatchAction Action { get; init; }
    /// <summary>Where <see cref="Path"/> lands in the container (sync actions).</summary>
    public string? Target { get; init; }
    /// <summary>.dockerignore-syntax patterns, relative to <see cref="Path"/>.</summary>
    public ImmutableArray<string> Ignore { get; init; } = [];
    /// <summary>When not empty, only paths these patterns match (relative to <see cref="Path"/>) trigger the rule.</summary>
    public ImmutableArray<string> Include { get; init; } = [];
    /// <summary>The command <see cref="WatchAction.SyncExec"/> runs after a sync.</summary>
    public ServiceHook? Exec { get; init; }
    /// <summary>Copy everything under the path when watching starts (<c>initial_sync</c>, or the older <c>x-initialSync</c>).</summary>
    public bool InitialSync { get; init; }

    /// <summary>The actions that copy files; Compose's initial sync covers only sync and sync+restart.</summary>
    public bool Syncs => Action is WatchAction.Sync or WatchAction.SyncRestart or WatchAction.SyncExec;

    public static WatchAction? ParseAction(string? value) => value switch
    {
        "sync" => WatchAction.Sync,
        "sync+restart" => WatchAction.SyncRestart,
        "sync+exec" => WatchAction.SyncExec,
        "rebuild" => WatchAction.Rebuild,
        "restart" => WatchAction.Restart,
        _ => null,
    };

    public static string ActionName(WatchAction action) => action switch
    {
        WatchAction.SyncRestart => "sync+restart",
        WatchAction.SyncExec => "sync+exec",
        _ => action.ToString().ToLowerInvariant(),
    };
}
