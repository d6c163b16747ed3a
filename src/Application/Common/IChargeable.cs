namespace FapiHub.Application.Common;

/// <summary>Marks a command whose success costs the caller one image of quota or one credit.</summary>
public interface IChargeable;
