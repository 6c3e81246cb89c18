using Composer.Core.IO;
using Microsoft.Win32.SafeHandles;

namespace Composer.Cli;

/// <summary>
/// One composer at a time changes a project on this machine: an exclusive lock (flock) on
/// <c>/tmp/composer-&lt;uid&gt;/&lt;project&gt;.lock</c>, in the user's private <see cref="StateDirectory"/>, the same for
/// every composer of the user whatever <c>XDG_RUNTIME_DIR</c> or <c>TMPDIR</c> say. The kernel drops the lock when the
/// process dies, even by SIGKILL, so a crashed composer never blocks the next one. A second <c>up</c> waits, then
/// observes what the first made and has (almost) nothing to do. Composers of different users on one engine are kept
/// apart by the engine itself (networks are created with its duplicate check, names are unique).
/// </summary>
public sealed class ProjectLock : IDisposable
{
    private readonly SafeFileHandle _file;

    private ProjectLock(SafeFileHandle file) => _file = file;

    public static string PathFor(string project) => System.IO.Path.Combine(StateDirectory.Path, project + ".lock");

    public static async Task<ProjectLock> AcquireAsync(string project, CancellationToken cancellationToken)
    {
        var path = PathFor(project);
        var announced = false;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (TryAcquire(project) is { } acquired) return acquired;
            if (!announced)
            {
                Console.Error.WriteLine($"Waiting for another composer working on project \"{project}\" ({path})");
                announced = true;
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    /// <summary>Takes <paramref name="name"/>'s lock if it is free; null if another process holds it.</summary>
    public static ProjectLock? TryAcquire(string name)
    {
        StateDirectory.Ensure();
        var path = PathFor(name);
        var handle = UnixFile.OpenNoFollow(path, 0x180);
        try
        {
            var status = UnixFile.Fstat(handle);
            if (status.Kind != UnixFileKind.Regular)
                throw new StateDirectoryException($"lock {path} is {UnixFile.Describe(status.Kind)}, not a file: remove it, then try again");
            if (UnixFile.TryLockExclusive(handle)) return new ProjectLock(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        handle.Dispose();
        return null;
    }

    public void Dispose() => _file.Dispose();
}
