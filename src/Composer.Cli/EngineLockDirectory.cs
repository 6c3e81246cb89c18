using Composer.Core.IO;

namespace Composer.Cli;

/// <summary>
/// Where the project locks of one engine live, so that every composer working on that engine meets the same lock
/// whatever its user or environment (<c>XDG_RUNTIME_DIR</c>, <c>TMPDIR</c>, <c>HOME</c>). For a local socket it is
/// named by the engine's socket: <c>/tmp/composer-engine-&lt;dev&gt;-&lt;ino&gt;-&lt;socket name&gt;</c>, the device and
/// inode of the directory that holds the socket (the same however the path is spelt, through links to the socket or
/// to a directory above it; and, unlike the socket file's own inode, the same after the engine restarts and makes its
/// socket anew). Shared by the socket's group with mode 1770: everyone who may use the engine may lock; the sticky bit
/// keeps each one's files from the others. An engine without a socket file (tcp, ssh) has no identity a file can
/// name: its locks stay in the user's private <see cref="StateDirectory"/>.
/// </summary>
public sealed record EngineLockDirectory(string Path, bool Shared)
{
    private const uint SharedMode = 0x3F8; // 1770: sticky, group-writable, closed to others

    /// <summary>The lock directory of the engine at <paramref name="endpoint"/> (nothing created or checked).</summary>
    public static EngineLockDirectory For(Uri? endpoint) =>
        SocketOf(endpoint) is { } socket ? new(socket.LockDirectory, Shared: true) : new(StateDirectory.Path, Shared: false);

    private sealed record EngineSocket(UnixFileStatus Status, string LockDirectory);

    /// <summary>The engine's socket file and its lock directory, when the endpoint is a socket that exists on this machine.</summary>
    private static EngineSocket? SocketOf(Uri? endpoint)
    {
        if (endpoint is not { Scheme: "unix" } || OperatingSystem.IsWindows()) return null;
        try
        {
            var path = endpoint.LocalPath;
            if (UnixFile.Stat(path) is not { Kind: UnixFileKind.Socket } socket) return null;
            var final = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            if (UnixFile.Stat(System.IO.Path.GetDirectoryName(final) ?? "/") is not { } directory) return null;
            var name = new string([.. System.IO.Path.GetFileName(final).Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
            return new(socket, $"/tmp/composer-engine-{directory.Device}-{directory.Inode}-{name}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // connecting says what is wrong with the socket
        }
    }

    /// <summary>
    /// The directory, created if absent and checked: a real directory (not a link), owned by this user or root, with
    /// the socket's group and mode 1770. Anything else is refused with what is wrong, never used: it may be a trap.
    /// Only this user or root may own it because in sticky <c>/tmp</c> its owner alone can rename it and put a link in
    /// its place after the check; <c>O_NOFOLLOW</c> on the lock file guards only the path's last component.
    /// </summary>
    public static EngineLockDirectory Ensure(Uri? endpoint)
    {
        if (SocketOf(endpoint) is not { } engineSocket) return new(StateDirectory.Ensure(), Shared: false);
        var s = engineSocket.Status;
        var directory = engineSocket.LockDirectory;
        var uid = UnixFile.EffectiveUserId();
        for (var attempt = 0; ; attempt++)
        {
            var status = UnixFile.Lstat(directory);
            if (status is null)
            {
                if (UnixFile.TryMakeDirectory(directory, 0x1C0))
                {
                    // Private (0700) until it has the socket's group, then opened to that group: no window where others can enter.
                    if (!ShareWith(directory, s.Group))
                    {
                        // This user reaches the socket without being in its group (an ACL, a world-open socket): no
                        // group to share with, so its locks stay per user.
                        Directory.Delete(directory);
                        return new(StateDirectory.Ensure(), Shared: false);
                    }
                    continue;
                }
                if (attempt < 3) continue;
                throw new StateDirectoryException($"{directory} could not be created");
            }
            var d = status.Value;
            if (d.Kind != UnixFileKind.Directory)
                throw new StateDirectoryException($"{directory} is {UnixFile.Describe(d.Kind)}, not Composer's lock directory for the engine at {endpoint}: someone may have put it there; remove it, then try again");
            if (d.Owner != uid && d.Owner != 0)
                throw new StateDirectoryException($"{directory} belongs to uid {d.Owner}, neither you (uid {uid}) nor root: Composer will not take locks in a directory someone else controls; remove it (or let root create it: sudo install -d -m 1770 -g {s.Group} {directory}), then try again");
            if (d.Group != s.Group || d.Permissions != SharedMode)
            {
                // Our own directory left half made (composer killed between mkdir and chmod: still private): finish it.
                // One that was ever open wider may hold anything: refused.
                if (d.Owner == uid && (d.Permissions & ~0x1C0u) == 0 && attempt < 3 && ShareWith(directory, s.Group)) continue;
                throw new StateDirectoryException($"{directory} has group {d.Group} and mode {Convert.ToString(d.Permissions, 8)}, not the engine socket's group {s.Group} and mode 1770: Composer will not take locks in it; remove it, then try again");
            }
            return new(directory, Shared: true);
        }
    }

    /// <summary>Gives the directory to the socket's group and opens it to that group; false when this user may not.</summary>
    private static bool ShareWith(string directory, uint group)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            UnixFile.SetGroup(directory, group);
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        File.SetUnixFileMode(directory, (UnixFileMode)SharedMode);
        return true;
    }
}
