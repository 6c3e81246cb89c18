namespace Composer.Core.Engine;

/// <summary>
/// Copies images between engines (the Engine API's image save and load): how a multi-host project gets an image,
/// such as Composer's ambassador, onto an engine that cannot pull it.
/// </summary>
public interface IImageTransfer
{
    /// <summary>The image as a <c>docker save</c> tar stream.</summary>
    Task<Stream> SaveImageAsync(string image, CancellationToken cancellationToken);
    /// <summary>Loads a <c>docker save</c> tar stream.</summary>
    Task LoadImageAsync(Stream archive, CancellationToken cancellationToken);
}
