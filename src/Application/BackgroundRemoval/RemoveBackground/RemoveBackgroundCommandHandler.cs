using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

internal sealed class RemoveBackgroundCommandHandler(
    IImageProcessor images,
    IBackgroundRemover remover,
    IModelCatalog catalog)
    : ICommandHandler<RemoveBackgroundCommand, Result<ProcessedImage>>
{
    private const string Png = "image/png";

    public async ValueTask<Result<ProcessedImage>> Handle(RemoveBackgroundCommand command, CancellationToken cancellationToken)
    {
        // The validator has already accepted the name; resolving again only normalises case and the default.
        if (!catalog.TryResolve(command.Model, out var model))
        {
            throw new InvalidOperationException($"Model '{command.Model}' passed validation but is not in the catalogue.");
        }

        var decoded = images.Decode(command.Image);
        if (!decoded.IsSuccess)
        {
            return decoded.Error!;
        }

        using var image = decoded.Value;
        var predicted = await remover.PredictAsync(image, model, cancellationToken);
        if (!predicted.IsSuccess)
        {
            return predicted.Error!;
        }

        using var mask = predicted.Value;
        if (command.Output == OutputKind.Mask)
        {
            return new ProcessedImage(images.EncodePng(mask), Png, mask.Width, mask.Height);
        }

        image.ApplyAlpha(mask);
        return new ProcessedImage(images.EncodePng(image), Png, image.Width, image.Height);
    }
}
