namespace Composer.Core.Engine;

/// <summary>
/// Carrying a service's state from one engine to another (<c>composer move</c>, several hosts): files written into a
/// container, a named volume's content and an image, each as a tar stream through the engine's own archive and image
/// APIs, so nothing but the two engines' sockets is needed. Implemented by the Docker adapter; the fake engine in tests.
/// </summary>
public interface IEngineTransfer
{
    /// <summary>Writes files into a container, running or not (folders on their paths are created).</summary>
    Task WriteFilesAsync(string container, IReadOnlyList<InjectedFile> files, CancellationToken cancellationToken);

    /// <summary>
    /// Hands <paramref name="read"/> the content of <paramref name="volume"/> as a tar stream (the format
    /// <see cref="ImportVolumeAsync"/> takes). The engine reads it through a helper container created, never started,
    /// from <paramref name="helperImage"/> (any image this engine has: the service's own), removed afterwards.
    /// </summary>
    Task ExportVolumeAsync(string volume, string helperImage, Func<Stream, CancellationToken, Task> read, CancellationToken cancellationToken);

    /// <summary>Unpacks what <see cref="ExportVolumeAsync"/> gave into <paramref name="volume"/>, which must exist.</summary>
    Task ImportVolumeAsync(string volume, string helperImage, Stream content, CancellationToken cancellationToken);

    /// <summary>Hands <paramref name="read"/> the image as the engine's save format (a tar).</summary>
    Task ExportImageAsync(string image, Func<Stream, CancellationToken, Task> read, CancellationToken cancellationToken);

    /// <summary>Loads an image saved by <see cref="ExportImageAsync"/> (its tags come with it).</summary>
    Task ImportImageAsync(Stream content, CancellationToken cancellationToken);
}

/// <summary>Copies between two engines: each stream goes from one engine's API straight into the other's.</summary>
public static class EngineTransfers
{
    /// <summary>The content of <paramref name="volume"/> on <paramref name="from"/> into <paramref name="toVolume"/> (existing) on <paramref name="to"/>.</summary>
    public static Task CopyVolumeAsync(IEngineTransfer from, IEngineTransfer to, string volume, string toVolume, string helperImage, CancellationToken cancellationToken) =>
        from.ExportVolumeAsync(volume, helperImage, (content, ct) => to.ImportVolumeAsync(toVolume, helperImage, content, ct), cancellationToken);

    public static Task CopyImageAsync(IEngineTransfer from, IEngineTransfer to, string image, CancellationToken cancellationToken) =>
        from.ExportImageAsync(image, (content, ct) => to.ImportImageAsync(content, ct), cancellationToken);
}
