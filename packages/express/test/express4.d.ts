// `express4` is an npm alias of express@4 (devDependency), used to run every suite against Express 4 as well.
declare module 'express4' {
  import express from 'express';
  export default express;
}
