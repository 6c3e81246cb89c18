using Composer.Core.IO;
using Microsoft.Win32.SafeHandles;

namespace Composer.Cli;

/// <summary>
/// One composer at a time changes a project on an engine: an exclusive lock (flock) on
/// <c>&lt;project&gt;.lock</c> in the engine's <see cref="EngineLockDirectory"/>, the same for every composer on that engine
/// whatever its user or environment. A project on several engines (<c>x-composer.hosts</c>) takes the lock of each,
/// always in the same (sorted) order, so two composers never hold one each and wait for the other. The kernel drops
/// a lock when its process dies, even by SIGKILL, so a crashed composer never blocks the next one. A second
/// <c>up</c> waits, then observes what the first made and has (almost) nothing to do.
/// Lock files are only ever opened read-only, never through a link, and never written: whatever is planted in a
/// shared directory, taking a lock cannot change a byte anywhere.
/// </summary>
public sealed class ProjectLock : IDisposable
{
    private readonly IReadOnlyList<SafeFileHandle> _files;

    private ProjectLock(IReadOnlyList<SafeFileHandle> files) => _files = files;

    /// <summary>The lock file of <paramref name="project"/> on the engine composer uses by default (DOCKER_HOST or the local socket).</summary>
    public static string PathFor(string project) => PathFor(project, Docker.DockerEngine.DefaultEndpoint);

    public static string PathFor(string project, Uri? endpoint) => System.IO.Path.Combine(EngineLockDirectory.For(endpoint).Path, project + ".lock");

    /// <summary>The lock files of <paramref name="project"/> on <paramref name="endpoints"/>, in the order they are taken.</summary>
    public static IReadOnlyList<string> PathsFor(string project, IEnumerable<Uri?> endpoints) =>
        [.. endpoints.Select(e => PathFor(project, e)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static Task<ProjectLock> AcquireAsync(string project, CancellationToken cancellationToken) =>
        AcquireAsync(project, [Docker.DockerEngine.DefaultEndpoint], cancellationToken);

    /// <summary>Waits for <paramref name="project"/>'s lock on every one of <paramref name="endpoints"/>.</summary>
    public static async Task<ProjectLock> AcquireAsync(string project, IReadOnlyList<Uri?> endpoints, CancellationToken cancellationToken)
    {
        var held = new List<SafeFileHandle>();
        try
        {
            foreach (var lockFile in Ensure(project, endpoints))
            {
                var path = lockFile.Path;
                var announced = false;
                var delay = TimeSpan.FromMilliseconds(20);
                SafeFileHandle? file;
                while ((file = TryLock(lockFile)) is null)
                {
                    if (!announced)
                    {
                        Console.Error.WriteLine($"Waiting for another composer working on project \"{project}\" ({path})");
                        announced = true;
                    }
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
                }
                held.Add(file);
            }
            return new ProjectLock(held);
        }
        catch
        {
            foreach (var file in held) file.Dispose();
            throw;
        }
    }

    /// <summary>Takes <paramref name="name"/>'s lock if it is free; null if another process holds it.</summary>
    public static ProjectLock? TryAcquire(string name) => TryAcquire(name, [Docker.DockerEngine.DefaultEndpoint]);

    /// <summary>Takes <paramref name="name"/>'s lock on every one of <paramref name="endpoints"/> if all are free; null (holding none) otherwise.</summary>
    public static ProjectLock? TryAcquire(string name, IReadOnlyList<Uri?> endpoints)
    {
        var held = new List<SafeFileHandle>();
        try
        {
            foreach (var lockFile in Ensure(name, endpoints))
            {
                if (TryLock(lockFile) is not { } file)
                {
                    foreach (var h in held) h.Dispose();
                    return null;
                }
                held.Add(file);
            }
            return new ProjectLock(held);
        }
        catch
        {
            foreach (var file in held) file.Dispose();
            throw;
        }
    }

    /// <summary>The lock files to take, their directories made and checked, in a fixed order.</summary>
    private static List<LockFile> Ensure(string name, IReadOnlyList<Uri?> endpoints) =>
        [.. endpoints.Select(EngineLockDirectory.Ensure).Select(d => new LockFile(System.IO.Path.Combine(d.Path, name + ".lock"), d.Shared))
            .DistinctBy(f => f.Path, StringComparer.Ordinal).OrderBy(f => f.Path, StringComparer.Ordinal)];

    private sealed record LockFile(string Path, bool Shared);

    /// <summary>Locks the file (creating it if absent); null when another process holds it.</summary>
    private static SafeFileHandle? TryLock(LockFile lockFile)
    {
        var handle = OpenLockFile(lockFile.Path, lockFile.Shared);
        try
        {
            if (UnixFile.TryLockExclusive(handle)) return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        handle.Dispose();
        return null;
    }

    /// <summary>
    /// Opens the lock file read-only and without following a link: the existing one, else a new one made with
    /// <c>O_EXCL</c> (if another composer made it in between, open that one). In a shared directory the file may be
    /// another user's (whoever locked first made it): only users of the engine can write there, and a read-only
    /// handle writes nothing. In the private directory anything not ours is refused.
    /// </summary>
    private static SafeFileHandle OpenLockFile(string path, bool shared)
    {
        for (var attempt = 0; ; attempt++)
        {
            SafeFileHandle handle;
            if (UnixFile.Lstat(path) is { } existing)
            {
                // Checked before opening too, so that a planted device or pipe is never even opened.
                Refuse(path, existing, shared);
                handle = UnixFile.OpenForLock(path);
            }
            else if (UnixFile.TryCreateForLock(path, 0x1A4) is { } created)
            {
                UnixFile.SetMode(created, 0x1A4); // 0644 whatever the umask: others on the engine open it to lock it
                handle = created;
            }
            else if (attempt < 10) continue;
            else throw new StateDirectoryException($"lock {path} keeps appearing and disappearing: another program is playing with it; try again");
            try
            {
                Refuse(path, UnixFile.Fstat(handle), shared);
                return handle;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }

    private static void Refuse(string path, UnixFileStatus status, bool shared)
    {
        if (status.Kind != UnixFileKind.Regular)
            throw new StateDirectoryException($"lock {path} is {UnixFile.Describe(status.Kind)}, not a file: remove it, then try again");
        var uid = UnixFile.EffectiveUserId();
        if (!shared && status.Owner != uid)
            throw new StateDirectoryException($"lock {path} belongs to uid {status.Owner}, not to you (uid {uid}), in your private directory: remove it, then try again");
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
