using Composer.Core.IO;

namespace Composer.Cli;

/// <summary>
/// Where Composer keeps what is local to this machine (project locks, what <c>watch</c> saw): <c>/tmp/composer-&lt;uid&gt;</c>,
/// one fixed place per user whatever the environment says, so every composer of a user finds the same lock.
/// It lives in a world-writable directory, so it is made safe the way ssh-agent and tmux do: created with mode 0700,
/// used only when it is a real directory (not a link) owned by this user and closed to others; anything planted there
/// by someone else is refused with a message, never followed. Inside it, files are opened with <c>O_NOFOLLOW</c> and
/// state is written to a temp file created with <c>O_EXCL</c>, then renamed.
/// </summary>
public static class StateDirectory
{
    public static string Path => $"/tmp/composer-{UnixFile.EffectiveUserId()}";

    /// <summary>The state directory, checked (and created if absent).</summary>
    public static string Ensure() => Ensure(Path);

    public static string Ensure(string directory)
    {
        for (var attempt = 0; ; attempt++)
        {
            var status = UnixFile.Lstat(directory);
            if (status is null)
            {
                // Created 0700 from the start (the umask can only narrow it): no window where others can enter.
                if (UnixFile.TryMakeDirectory(directory, 0x1C0) || attempt < 3) continue;
            }
            var s = status ?? throw new StateDirectoryException($"{directory} could not be created");
            var uid = UnixFile.EffectiveUserId();
            if (s.Kind != UnixFileKind.Directory)
                throw new StateDirectoryException($"{directory} is {UnixFile.Describe(s.Kind)}, not Composer's private directory: someone else may have put it there; remove it, then try again");
            if (s.Owner != uid)
                throw new StateDirectoryException($"{directory} belongs to uid {s.Owner}, not to you (uid {uid}): Composer will not use a directory someone else controls; remove it, then try again");
            if ((s.Permissions & 0x3F) != 0 && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return directory;
        }
    }

    /// <summary>Replaces <paramref name="path"/> (in a checked private directory) with <paramref name="content"/>, atomically.</summary>
    public static void WriteAtomically(string path, string content)
    {
        var temp = path + ".tmp";
        File.Delete(temp); // a leftover of a killed writer; in a private directory, only ours
        using (var handle = UnixFile.CreateExclusive(temp, 0x180))
        using (var stream = new FileStream(handle, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The text of a state file, never through a link; null when there is none.</summary>
    public static string? ReadState(string path)
    {
        try
        {
            using var handle = UnixFile.OpenReadNoFollow(path);
            using var stream = new FileStream(handle, FileAccess.Read);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException) { return null; }
    }
}

/// <summary>The private state directory cannot be used safely: exit 1 with what to do.</summary>
public sealed class StateDirectoryException(string message) : IOException(message);
