using System.Runtime.InteropServices;
using Composer.Core.Engine;
using Microsoft.Win32.SafeHandles;

namespace Composer.Cli;

/// <summary>
/// Composer's own terminal while a process's TTY owns it (exec and run): its size and a notice on each resize
/// (SIGWINCH), and, when the keys come from it, raw input, so every key reaches the process and the process's TTY does
/// the echoing and line editing. Disposing restores the terminal as it was.
/// </summary>
internal sealed class LocalTerminal : ITerminalSize, IDisposable
{
    private const int StdinFd = 0;
    private const int TcsaNow = 0;
    // Larger than any libc's struct termios (60 bytes on glibc), so the native calls never write past it.
    private const int TermiosBytes = 256;

    private readonly byte[]? _saved;
    private readonly PosixSignalRegistration? _winch;

    public static bool StdinIsTerminal => !Console.IsInputRedirected;
    public static bool StdoutIsTerminal => !Console.IsOutputRedirected;

    private LocalTerminal(bool raw)
    {
        // Read once before raw mode: the console initializes itself on first use, and should see the terminal as the user had it.
        _ = Size;
        _winch = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Changed?.Invoke());
        _saved = raw ? MakeRaw() : null;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with composer's streams for a process: stdin when the mode forwards it, and with a
    /// TTY composer's terminal, raw while the process runs when the keys come from it.
    /// </summary>
    public static async Task<long> AttachedAsync(Core.Execution.AttachMode mode, Func<ProcessStreams, Task<long>> body)
    {
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        using var stdin = mode.Stdin ? OpenStdin() : null;
        using var terminal = mode.Tty && StdoutIsTerminal ? new LocalTerminal(raw: mode.Stdin && StdinIsTerminal) : null;
        return await body(new ProcessStreams { Stdin = stdin, Stdout = stdout, Stderr = stderr, Terminal = terminal }).ConfigureAwait(false);
    }

    public event Action? Changed;

    public (int Width, int Height)? Size
    {
        get
        {
            try
            {
                var (w, h) = (Console.WindowWidth, Console.WindowHeight);
                return w > 0 && h > 0 ? (w, h) : null;
            }
            catch (Exception e) when (e is IOException or PlatformNotSupportedException)
            {
                return null;
            }
        }
    }

    public void Dispose()
    {
        _winch?.Dispose();
        if (_saved is not null) _ = tcsetattr(StdinFd, TcsaNow, _saved);
    }

    /// <summary>
    /// Composer's stdin as plain bytes. .NET's console stream edits lines itself when stdin is a terminal, which would
    /// hold back keys a raw TTY must get at once. A stdin that cannot be read counts as empty.
    /// </summary>
    private static Stream OpenStdin()
    {
        try
        {
            return new FileStream(new SafeFileHandle(StdinFd, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Stream.Null;
        }
    }

    /// <summary>Raw mode as the docker CLI sets it (cfmakeraw); returns the settings to restore, null when it cannot.</summary>
    private static byte[]? MakeRaw()
    {
        try
        {
            var saved = new byte[TermiosBytes];
            if (tcgetattr(StdinFd, saved) != 0) return null;
            var raw = (byte[])saved.Clone();
            cfmakeraw(raw);
            // TCSANOW, not TCSAFLUSH: keys typed before the process started are kept for it.
            return tcsetattr(StdinFd, TcsaNow, raw) == 0 ? saved : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the TTY still works, with the terminal's own line editing in front of it.
            return null;
        }
    }

    // glibc by its soname: the bare "libc" resolves only on runtimes that special-case it, not under Native AOT.
    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int tcgetattr(int fd, [Out] byte[] termios);

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int tcsetattr(int fd, int optionalActions, [In] byte[] termios);

    [DllImport("libc.so.6")]
    private static extern void cfmakeraw([In, Out] byte[] termios);
}
