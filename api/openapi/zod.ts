/** The routes' z: the same, OpenAPI-extended instance the application's input schemas are built with. */
export { z } from '../../app/zod';
