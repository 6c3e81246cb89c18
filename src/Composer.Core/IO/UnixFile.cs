using System.Runtime.InteropServices;
using System.Text;

namespace Composer.Core.IO;

/// <summary>What a path is, as <c>lstat</c>/<c>stat</c> say: the file type, owner, permission bits and size.</summary>
public readonly record struct UnixFileStatus(UnixFileKind Kind, uint Mode, uint Owner, long Size)
{
    public uint Permissions => Mode & 0xFFF;
    /// <summary>The owning group, and which file this is (device and inode: a file's identity whatever its path).</summary>
    public uint Group { get; init; }
    public ulong Device { get; init; }
    public ulong Inode { get; init; }
}

public enum UnixFileKind { Regular, Directory, Symlink, CharacterDevice, BlockDevice, Fifo, Socket, Other }

/// <summary>
/// The few POSIX calls .NET does not expose and safe file handling needs: file type and owner (<c>stat</c>), the
/// effective user, and opening without following a link (<c>O_NOFOLLOW</c>) or only creating (<c>O_EXCL</c>).
/// Linux only, as the command is (x64 and arm64 layouts of <c>struct stat</c>).
/// </summary>
public static class UnixFile
{
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EWOULDBLOCK = 11;
    public const int ELOOP = 40;

    private const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100;
    private static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;
    private const int O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800;
    private const int LOCK_EX = 2, LOCK_NB = 4;

    [DllImport("libc", SetLastError = true, EntryPoint = "lstat")] private static extern int SysLstat(byte[] path, byte[] buffer);
    [DllImport("libc", SetLastError = true, EntryPoint = "stat")] private static extern int SysStat(byte[] path, byte[] buffer);
    [DllImport("libc", SetLastError = true, EntryPoint = "fstat")] private static extern int SysFstat(int fd, byte[] buffer);
    [DllImport("libc", SetLastError = true, EntryPoint = "open")] private static extern int SysOpen(byte[] path, int flags, uint mode);
    [DllImport("libc", SetLastError = true, EntryPoint = "mkdir")] private static extern int SysMkdir(byte[] path, uint mode);
    [DllImport("libc", SetLastError = true, EntryPoint = "flock")] private static extern int SysFlock(int fd, int operation);
    [DllImport("libc", SetLastError = true, EntryPoint = "chown")] private static extern int SysChown(byte[] path, uint owner, uint group);
    [DllImport("libc", SetLastError = true, EntryPoint = "fchmod")] private static extern int SysFchmod(int fd, uint mode);
    [DllImport("libc", EntryPoint = "geteuid")] private static extern uint SysGeteuid();

    public static uint EffectiveUserId() => SysGeteuid();

    /// <summary>The path itself (a link is reported as a link); null when nothing is there.</summary>
    public static UnixFileStatus? Lstat(string path) => StatCall(path, follow: false);

    /// <summary>What the path leads to; null when nothing is there.</summary>
    public static UnixFileStatus? Stat(string path) => StatCall(path, follow: true);

    private static UnixFileStatus? StatCall(string path, bool follow)
    {
        var buffer = new byte[256];
        var rc = follow ? SysStat(Native(path), buffer) : SysLstat(Native(path), buffer);
        if (rc == 0) return Decode(buffer);
        var errno = Marshal.GetLastPInvokeError();
        if (errno is ENOENT or 20 /* ENOTDIR */) return null;
        throw Error(errno, "stat", path);
    }

    public static UnixFileStatus Fstat(SafeHandle handle)
    {
        var buffer = new byte[256];
        if (SysFstat((int)handle.DangerousGetHandle(), buffer) != 0) throw new IOException($"fstat: errno {Marshal.GetLastPInvokeError()}");
        return Decode(buffer);
    }

    /// <summary>Creates a directory with <paramref name="mode"/>; false when something is already there.</summary>
    public static bool TryMakeDirectory(string path, uint mode)
    {
        if (SysMkdir(Native(path), mode) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST) return false;
        throw Error(errno, "mkdir", path);
    }

    /// <summary>Opens (creating with <paramref name="mode"/> if absent) read-write, never through a symbolic link.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenNoFollow(string path, uint mode)
        => Open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);

    /// <summary>Creates a new file for writing; fails if anything, a link included, is already at <paramref name="path"/>.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateExclusive(string path, uint mode)
        => Open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);

    /// <summary>Opens for reading, never through a symbolic link.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenReadNoFollow(string path)
        => Open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0);

    /// <summary>
    /// Opens only to hold a lock: read-only (nothing can be written or truncated through it), never through a link,
    /// without blocking (a named pipe planted there does not hang the open).
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenForLock(string path)
        => Open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);

    /// <summary>Creates a new file to lock (read-only handle); null if anything, a link included, is already there.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle? TryCreateForLock(string path, uint mode)
    {
        var fd = SysOpen(Native(path), O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);
        if (fd >= 0) return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        var errno = Marshal.GetLastPInvokeError();
        return errno == EEXIST ? null : throw Error(errno, "open", path);
    }

    /// <summary>Sets the permission bits of an open file (whatever the umask made of them).</summary>
    public static void SetMode(SafeHandle handle, uint mode)
    {
        if (SysFchmod((int)handle.DangerousGetHandle(), mode) != 0) throw new IOException($"fchmod: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Gives <paramref name="path"/> to <paramref name="group"/> (the owner unchanged).</summary>
    public static void SetGroup(string path, uint group)
    {
        if (SysChown(Native(path), uint.MaxValue, group) != 0) throw Error(Marshal.GetLastPInvokeError(), "chown", path);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle Open(string path, int flags, uint mode)
    {
        var fd = SysOpen(Native(path), flags, mode);
        if (fd < 0) throw Error(Marshal.GetLastPInvokeError(), "open", path);
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>An exclusive advisory lock (flock, as .NET's FileShare.None takes); false when another process holds it.</summary>
    public static bool TryLockExclusive(SafeHandle handle)
    {
        if (SysFlock((int)handle.DangerousGetHandle(), LOCK_EX | LOCK_NB) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EWOULDBLOCK) return false;
        throw new IOException($"flock: errno {errno}");
    }

    public static Exception Error(int errno, string call, string path) => errno switch
    {
        EACCES or 1 /* EPERM */ => new UnauthorizedAccessException($"{call} {path}: permission denied"),
        ELOOP => new IOException($"{call} {path}: is a symbolic link, which is refused here"),
        EEXIST => new IOException($"{call} {path}: already exists"),
        ENOENT => new FileNotFoundException($"{call} {path}: no such file or directory", path),
        _ => new IOException($"{call} {path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
    };

    private static byte[] Native(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static UnixFileStatus Decode(byte[] b)
    {
        // struct stat: x86_64 has st_nlink (8 bytes) before st_mode; the generic layout (arm64) has st_mode first.
        uint mode, uid, gid;
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64) { mode = BitConverter.ToUInt32(b, 16); uid = BitConverter.ToUInt32(b, 24); gid = BitConverter.ToUInt32(b, 28); }
        else { mode = BitConverter.ToUInt32(b, 24); uid = BitConverter.ToUInt32(b, 28); gid = BitConverter.ToUInt32(b, 32); }
        var size = BitConverter.ToInt64(b, 48);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => UnixFileKind.Regular,
            0x4000 => UnixFileKind.Directory,
            0xA000 => UnixFileKind.Symlink,
            0x2000 => UnixFileKind.CharacterDevice,
            0x6000 => UnixFileKind.BlockDevice,
            0x1000 => UnixFileKind.Fifo,
            0xC000 => UnixFileKind.Socket,
            _ => UnixFileKind.Other,
        };
        return new UnixFileStatus(kind, mode, uid, size) { Group = gid, Device = BitConverter.ToUInt64(b, 0), Inode = BitConverter.ToUInt64(b, 8) };
    }

    public static string Describe(UnixFileKind kind) => kind switch
    {
        UnixFileKind.Directory => "a directory",
        UnixFileKind.Symlink => "a symbolic link",
        UnixFileKind.CharacterDevice => "a character device",
        UnixFileKind.BlockDevice => "a block device",
        UnixFileKind.Fifo => "a named pipe",
        UnixFileKind.Socket => "a socket",
        UnixFileKind.Regular => "a regular file",
        _ => "not a regular file",
    };
}
